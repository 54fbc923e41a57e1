"""Admin marketing communications (REST and GraphQL): email templates, events and campaigns with their
real values; a campaign sent to the confirmed subscribers of its channel and customer group, each
address mailed exactly once (counted in the mail outbox) even when the job runs again or is retried
after a failure mid-batch; subscribers listed, toggled (mirrored onto the customer) and deleted."""
import datetime
import secrets
from email import message_from_bytes, policy

import pytest

from domain.jobs import huey, run_queued
from domain.marketing import campaigns as campaign_rules
from domain.marketing.tasks import send_campaign
from storage.booking_models import NewsletterSubscriber
from storage.customer_models import Customer
from storage.db import database
from storage.marketing_models import CampaignDelivery, MarketingCampaign, MarketingEvent, MarketingTemplate
from storage.models import CustomerGroup, utcnow
from tests.admin_fixtures import (  # noqa: F401 (fixtures)
    FORBIDDEN, admin_client, admin_graphql, bearer, make_admin, super_admin,
)

BASE = "/api/admin/marketing"
GUEST = 1


@pytest.fixture
def outbox(tmp_path, monkeypatch):
    """An empty queue and outbox; the test's rows gone afterwards."""
    run_queued()
    monkeypatch.setenv("MAIL_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.delenv("SMTP_HOST", raising=False)
    with database.connection_context():
        marks = {model: model.select(model.id).order_by(model.id.desc()).scalar() or 0
                 for model in (MarketingTemplate, MarketingEvent, MarketingCampaign, NewsletterSubscriber)}
    yield tmp_path / "outbox"
    huey.flush()
    with database.connection_context():
        for model, mark in marks.items():
            model.delete().where(model.id > mark).execute()


def mails(folder) -> list:
    return [message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(folder.glob("*.eml"))] if folder.exists() else []


def recipients_of(folder) -> list[str]:
    return sorted(mail["To"] for mail in mails(folder))


def new_group() -> int:
    with database.connection_context():
        code = f"test-vip-{secrets.token_hex(3)}"
        return CustomerGroup.create(code=code, name=code).id


def subscriber(email: str, group: int | None, subscribed=True, confirmed=True, channel=1) -> int:
    """A newsletter subscriber (a customer of `group`, or a guest when None)."""
    with database.connection_context():
        customer = None
        if group is not None:
            customer = Customer.create(first_name="Sub", last_name=email.split("@")[0], email=email,
                                       password="x", api_token=secrets.token_urlsafe(40)[:60], channel=channel,
                                       customer_group=group, subscribed_to_news_letter=subscribed).id
        return NewsletterSubscriber.create(email=email, channel=channel, customer=customer, is_subscribed=subscribed,
                                           confirmed_at=utcnow() if confirmed else None,
                                           token_hash=secrets.token_hex(32)).id


def address(label: str) -> str:
    return f"{label}-{secrets.token_hex(4)}@example.com"


def make_campaign(admin_client, group: int, **fields) -> dict:
    template = admin_client.post(f"{BASE}/templates", json={
        "name": "Test July", "status": "active", "content": "<h1>July deals</h1><p>Tees &amp; more</p>"}).json()
    event = admin_client.post(f"{BASE}/events", json={"name": "Test July event", "description": "Blast",
                                                       "date": "2026-07-01"}).json()
    response = admin_client.post(f"{BASE}/campaigns", json={
        "name": "Test July Newsletter", "subject": "Big July deals inside!", "marketing_template_id": template["id"],
        "marketing_event_id": event["id"], "channel_id": 1, "customer_group_id": group, "status": 1, **fields})
    assert response.status_code == 201, response.text
    return response.json()


# --- templates and events -------------------------------------------------------

def test_email_template_crud_rest_and_graphql(admin_client, admin_graphql, outbox):
    response = admin_client.post(f"{BASE}/templates", json={"name": "Test Welcome Email", "status": "draft",
                                                            "content": "<p>Welcome to our store!</p>"})
    assert response.status_code == 201, response.text
    template = response.json()
    assert (template["name"], template["status"], template["content"]) == (
        "Test Welcome Email", "draft", "<p>Welcome to our store!</p>")
    listed = admin_client.get(f"{BASE}/templates", params={"name": "Test Welcome", "status": "draft"}).json()
    assert [row["id"] for row in listed["data"]] == [template["id"]] and listed["meta"]["total"] == 1
    assert "content" not in listed["data"][0] and listed["data"][0]["createdAt"]
    response = admin_client.put(f"{BASE}/templates/{template['id']}", json={"status": "active"})
    assert (response.json()["status"], response.json()["name"]) == ("active", "Test Welcome Email")
    response = admin_client.post(f"{BASE}/templates", json={"name": "X", "status": "sent", "content": "<p/>"})
    assert response.status_code == 422 and "status" in response.json()["errors"]

    iri = f"{BASE}/templates/{template['id']}"
    result = admin_graphql("""mutation($input: updateAdminMarketingTemplateInput!) {
        updateAdminMarketingTemplate(input: $input) { adminMarketingTemplate { id _id name status content } } }""",
                           {"input": {"id": iri, "name": "Test Welcome Email v2", "content": "<p>Welcome aboard!</p>"}})
    node = result["data"]["updateAdminMarketingTemplate"]["adminMarketingTemplate"]
    assert node == {"id": iri, "_id": template["id"], "name": "Test Welcome Email v2", "status": "active",
                    "content": "<p>Welcome aboard!</p>"}
    result = admin_graphql("""query { adminMarketingTemplates(first: 5, name: "Welcome Email v2") {
        totalCount edges { node { _id name } } } }""")
    assert result["data"]["adminMarketingTemplates"]["totalCount"] == 1
    result = admin_graphql("""mutation($input: deleteAdminMarketingTemplateInput!) {
        deleteAdminMarketingTemplate(input: $input) { adminMarketingTemplate { id _id name } } }""", {"input": {"id": iri}})
    assert result["data"]["deleteAdminMarketingTemplate"]["adminMarketingTemplate"]["name"] == "Test Welcome Email v2"
    assert admin_client.get(iri).json()["message"] == "Email template not found"
    assert admin_client.delete(iri).status_code == 404


def test_marketing_event_crud_rest_and_graphql(admin_client, admin_graphql, outbox):
    event = admin_client.post(f"{BASE}/events", json={"name": "Test Holiday Kickoff", "description": "Blast.",
                                                      "date": "2026-12-20"}).json()
    assert (event["name"], event["description"], event["date"]) == ("Test Holiday Kickoff", "Blast.", "2026-12-20")
    response = admin_client.put(f"{BASE}/events/{event['id']}", json={"date": "2026-12-22"})
    assert (response.json()["date"], response.json()["name"]) == ("2026-12-22", "Test Holiday Kickoff")
    inside = admin_client.get(f"{BASE}/events", params={"name": "Test Holiday", "date_from": "2026-12-21",
                                                        "date_to": "2026-12-22"}).json()
    outside = admin_client.get(f"{BASE}/events", params={"name": "Test Holiday", "date_to": "2026-12-21"}).json()
    assert [row["id"] for row in inside["data"]] == [event["id"]] and outside["meta"]["total"] == 0
    response = admin_client.post(f"{BASE}/events", json={"name": "Test bad", "description": "", "date": "2026-02-30"})
    assert response.status_code == 422 and "date" in response.json()["errors"]

    result = admin_graphql("""mutation($input: createAdminMarketingEventInput!) {
        createAdminMarketingEvent(input: $input) { adminMarketingEvent { id _id name description date } } }""",
                           {"input": {"name": "Test GraphQL event", "description": "Mail", "date": "2027-01-05"}})
    node = result["data"]["createAdminMarketingEvent"]["adminMarketingEvent"]
    assert node["id"] == f"{BASE}/events/{node['_id']}" and node["date"] == "2027-01-05"
    result = admin_graphql("query($id: ID!) { adminMarketingEvent(id: $id) { name description } }", {"id": node["id"]})
    assert result["data"]["adminMarketingEvent"] == {"name": "Test GraphQL event", "description": "Mail"}
    assert admin_client.delete(f"{BASE}/events/{event['id']}").json() == {"message": "Marketing event deleted."}


# --- campaigns ------------------------------------------------------------------

def test_campaign_crud_with_its_references(admin_client, admin_graphql, outbox):
    campaign = make_campaign(admin_client, group=2)
    detail = admin_client.get(f"{BASE}/campaigns/{campaign['id']}").json()
    assert {key: detail[key] for key in ("name", "subject", "status", "channelId", "customerGroupId",
                                         "marketingTemplateName", "marketingEventName", "channelName",
                                         "customerGroupCode")} == {
        "name": "Test July Newsletter", "subject": "Big July deals inside!", "status": 1, "channelId": 1,
        "customerGroupId": 2, "marketingTemplateName": "Test July", "marketingEventName": "Test July event",
        "channelName": "Default Store", "customerGroupCode": "general"}
    response = admin_client.post(f"{BASE}/campaigns", json={
        "name": "Test bad", "subject": "S", "marketing_template_id": 999999, "marketing_event_id": 999999,
        "channel_id": 1, "customer_group_id": 2})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"marketing_template_id", "marketing_event_id"}
    response = admin_client.put(f"{BASE}/campaigns/{campaign['id']}", json={"subject": "Updated subject", "status": 0})
    assert (response.json()["subject"], response.json()["status"], response.json()["name"]) == (
        "Updated subject", 0, "Test July Newsletter")
    listed = admin_client.get(f"{BASE}/campaigns", params={"name": "Test July", "status": 0,
                                                           "customer_group_id": 2}).json()
    assert [row["id"] for row in listed["data"]] == [campaign["id"]]

    iri = f"{BASE}/campaigns/{campaign['id']}"
    result = admin_graphql("""mutation($input: updateAdminMarketingCampaignInput!) {
        updateAdminMarketingCampaign(input: $input) { adminMarketingCampaign { id _id subject status customerGroupCode } } }""",
                           {"input": {"id": iri, "status": 1, "customerGroupId": 3}})
    assert result["data"]["updateAdminMarketingCampaign"]["adminMarketingCampaign"] == {
        "id": iri, "_id": campaign["id"], "subject": "Updated subject", "status": 1, "customerGroupCode": "wholesale"}
    assert admin_client.delete(iri).json() == {"message": "Campaign deleted."}
    assert admin_client.get(iri).status_code == 404


def test_a_campaign_mails_each_confirmed_subscriber_of_its_group_exactly_once(admin_client, outbox):
    group = new_group()
    wanted = [address("vip-a"), address("vip-b")]
    for email in wanted:
        subscriber(email, group)
    unconfirmed, unsubscribed, other_group, guest = (address("vip-unconfirmed"), address("vip-gone"),
                                                     address("general"), address("guest"))
    subscriber(unconfirmed, group, confirmed=False)
    subscriber(unsubscribed, group, subscribed=False)
    subscriber(other_group, 2)
    subscriber(guest, None)
    campaign = make_campaign(admin_client, group)

    response = admin_client.post(f"{BASE}/campaigns/{campaign['id']}/send")
    assert response.status_code == 200, response.text
    assert response.json() == {"id": campaign["id"], "campaignId": campaign["id"], "queued": 2,
                               "message": "Campaign queued for 2 recipient(s)."}
    assert mails(outbox) == []  # queued, not sent inside the request
    run_queued()
    assert recipients_of(outbox) == sorted(wanted)
    mail = mails(outbox)[0]
    assert mail["Subject"] == "Big July deals inside!"
    assert "Tees & more" in mail.get_body(("plain",)).get_content()
    assert "<h1>July deals</h1>" in mail.get_body(("html",)).get_content()

    # sending again, or the job running again, mails nobody a second time
    assert admin_client.post(f"{BASE}/campaigns/{campaign['id']}/send").json()["queued"] == 0
    send_campaign(campaign["id"])
    run_queued()
    assert recipients_of(outbox) == sorted(wanted)
    # a subscriber who joins later is the only one a new send reaches
    late = address("vip-late")
    subscriber(late, group)
    assert admin_client.post(f"{BASE}/campaigns/{campaign['id']}/send").json()["queued"] == 1
    run_queued()
    assert recipients_of(outbox) == sorted([*wanted, late])
    with database.connection_context():
        assert {row.status for row in CampaignDelivery.select().where(
            CampaignDelivery.campaign == campaign["id"])} == {"sent"}


def test_a_retry_after_a_failure_mid_batch_mails_nobody_twice(admin_client, outbox, monkeypatch):
    group = new_group()
    wanted = sorted(address(f"batch-{number}") for number in range(5))
    for email in wanted:
        subscriber(email, group)
    campaign = make_campaign(admin_client, group)
    monkeypatch.setenv("CAMPAIGN_BATCH_SIZE", "2")
    real_send = campaign_rules.send_mail
    failing = {"left": 1}

    def flaky(to, *args, **kwargs):
        if to == wanted[1] and failing["left"]:
            failing["left"] -= 1
            raise ConnectionError("SMTP connection lost")
        return real_send(to, *args, **kwargs)

    monkeypatch.setattr(campaign_rules, "send_mail", flaky)
    assert admin_client.post(f"{BASE}/campaigns/{campaign['id']}/send").json()["queued"] == 5
    run_queued()  # three batches; the first one fails on its second mail and is retried later
    assert recipients_of(outbox) == sorted(set(wanted) - {wanted[1]})
    with database.connection_context():
        failed = CampaignDelivery.get(CampaignDelivery.campaign == campaign["id"], CampaignDelivery.email == wanted[1])
    assert (failed.status, failed.attempts, failed.error) == ("failed", 1, "ConnectionError: SMTP connection lost")
    run_queued()  # the retry
    assert recipients_of(outbox) == wanted
    send_campaign.call_local(campaign["id"])  # the job once more, in this thread
    assert recipients_of(outbox) == wanted
    with database.connection_context():
        rows = list(CampaignDelivery.select().where(CampaignDelivery.campaign == campaign["id"]))
    assert {row.status for row in rows} == {"sent"} and sorted(row.attempts for row in rows) == [1, 1, 1, 1, 2]


def test_a_guest_campaign_reaches_guest_subscribers_only_and_inactive_ones_are_refused(
        admin_client, admin_graphql, outbox):
    guest, member = address("guest-only"), address("member")
    subscriber(guest, None)
    subscriber(member, 2)
    campaign = make_campaign(admin_client, GUEST, status=0)
    response = admin_client.post(f"{BASE}/campaigns/{campaign['id']}/send")
    assert response.status_code == 422 and "status" in response.json()["errors"]
    admin_client.put(f"{BASE}/campaigns/{campaign['id']}", json={"status": 1})
    result = admin_graphql("""mutation($input: createAdminMarketingCampaignSendInput!) {
        createAdminMarketingCampaignSend(input: $input) { adminMarketingCampaignSend { campaignId queued message } } }""",
                           {"input": {"campaignId": f"{BASE}/campaigns/{campaign['id']}"}})
    sent = result["data"]["createAdminMarketingCampaignSend"]["adminMarketingCampaignSend"]
    assert sent["campaignId"] == campaign["id"] and sent["queued"] >= 1
    run_queued()
    assert guest in recipients_of(outbox) and member not in recipients_of(outbox)
    assert len(recipients_of(outbox)) == len(set(recipients_of(outbox))) == sent["queued"]
    assert admin_client.post(f"{BASE}/campaigns/999999/send").json()["message"] == "Campaign not found"


def test_an_address_that_unsubscribes_before_the_job_runs_is_skipped(admin_client, outbox):
    group = new_group()
    stays, leaves = address("stays"), address("leaves")
    subscriber(stays, group)
    leaving = subscriber(leaves, group)
    campaign = make_campaign(admin_client, group)
    assert admin_client.post(f"{BASE}/campaigns/{campaign['id']}/send").json()["queued"] == 2
    admin_client.put(f"{BASE}/subscribers/{leaving}", json={"is_subscribed": False})
    run_queued()
    assert recipients_of(outbox) == [stays]
    with database.connection_context():
        assert CampaignDelivery.get(CampaignDelivery.email == leaves).status == "skipped"


# --- subscribers ----------------------------------------------------------------

def test_subscribers_are_listed_toggled_onto_the_customer_and_deleted(admin_client, admin_graphql, outbox):
    group = new_group()
    email = address("toggle")
    key = subscriber(email, group)
    detail = admin_client.get(f"{BASE}/subscribers/{key}").json()
    assert {name: detail[name] for name in ("email", "channelId", "channelName", "customerName", "isSubscribed",
                                            "isConfirmed")} == {
        "email": email, "channelId": 1, "channelName": "Default Store", "customerName": f"Sub {email.split('@')[0]}",
        "isSubscribed": True, "isConfirmed": True}
    listed = admin_client.get(f"{BASE}/subscribers", params={"email": email[:12], "is_subscribed": 1}).json()
    assert [row["id"] for row in listed["data"]] == [key]
    response = admin_client.put(f"{BASE}/subscribers/{key}", json={"is_subscribed": False})
    assert response.json()["isSubscribed"] is False
    with database.connection_context():
        assert Customer.get(Customer.email == email).subscribed_to_news_letter is False
    iri = f"{BASE}/subscribers/{key}"
    result = admin_graphql("""mutation($input: updateAdminMarketingSubscriberInput!) {
        updateAdminMarketingSubscriber(input: $input) { adminMarketingSubscriber { id _id isSubscribed } } }""",
                           {"input": {"id": iri, "isSubscribed": True}})
    assert result["data"]["updateAdminMarketingSubscriber"]["adminMarketingSubscriber"] == {
        "id": iri, "_id": key, "isSubscribed": True}
    with database.connection_context():
        assert Customer.get(Customer.email == email).subscribed_to_news_letter is True
    result = admin_graphql("""query { adminMarketingSubscribers(first: 10, is_subscribed: 1) {
        edges { node { _id email customerName } } } }""")
    assert result["data"]["adminMarketingSubscribers"]["edges"]
    assert admin_client.delete(iri).json() == {"message": "Subscription deleted."}
    with database.connection_context():
        assert Customer.get(Customer.email == email).subscribed_to_news_letter is False
    assert admin_client.get(iri).json()["message"] == "Subscriber not found"


def test_permissions_are_enforced_on_both_transports(app, outbox):
    from starlette.testclient import TestClient
    _admin, token = make_admin(["marketing.communications.campaigns.view"], label="campaign-viewer")
    with TestClient(app, headers=bearer(token)) as viewer:
        assert viewer.get(f"{BASE}/campaigns").status_code == 200
        response = viewer.post(f"{BASE}/campaigns/1/send")
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
        assert viewer.get(f"{BASE}/subscribers").status_code == 403
        response = viewer.post("/api/admin/graphql", json={"query": "mutation { createAdminMarketingCampaignSend("
                                                                    "input: {campaignId: 1}) { clientMutationId } }"})
        assert response.json()["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "forbidden")


def test_the_daily_job_sends_the_campaigns_whose_event_is_today_once(admin_client, outbox):
    from domain.marketing.tasks import queue_due, send_event_campaigns
    group = new_group()
    reader = address("event-day")
    subscriber(reader, group)
    campaign = make_campaign(admin_client, group)
    event_id = admin_client.get(f"{BASE}/campaigns/{campaign['id']}").json()["marketingEventId"]
    today = utcnow().date()
    assert campaign["id"] not in queue_due(today)  # the event is on 2026-07-01
    admin_client.put(f"{BASE}/events/{event_id}", json={"date": today.isoformat()})
    assert campaign["id"] in queue_due(today)
    send_event_campaigns.call_local()  # the nightly run as well: nobody new
    run_queued()
    assert recipients_of(outbox).count(reader) == 1
    assert send_event_campaigns.s().validate_datetime(datetime.datetime(2026, 3, 1, 0, 10))
