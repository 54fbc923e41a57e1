"""Marketing communications: email templates, events, campaigns and the per-recipient deliveries of a
campaign (unique per campaign and email address)."""
from peewee import *


def up(migrator, db):
    def stub(name):
        class Meta:
            database = db
            table_name = name
        return type(name, (Model,), {"Meta": Meta})

    Channel, CustomerGroup = stub('channel'), stub('customer_group')
    NewsletterSubscriber = stub('newsletter_subscriber')

    class MarketingTemplate(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField()
        status = CharField(max_length=16, default='active')
        content = TextField(default='')
        class Meta:
            database = db
            table_name = 'marketing_template'

    class MarketingEvent(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField()
        description = TextField(default='')
        date = DateField(null=True)
        class Meta:
            database = db
            table_name = 'marketing_event'

    class MarketingCampaign(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField()
        subject = CharField()
        status = BooleanField(default=False)
        marketing_template = ForeignKeyField(MarketingTemplate, null=True, on_delete='SET NULL')
        marketing_event = ForeignKeyField(MarketingEvent, null=True, on_delete='SET NULL')
        channel = ForeignKeyField(Channel, on_delete='CASCADE')
        customer_group = ForeignKeyField(CustomerGroup, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'marketing_campaign'

    class CampaignDelivery(Model):
        campaign = ForeignKeyField(MarketingCampaign, on_delete='CASCADE')
        subscriber = ForeignKeyField(NewsletterSubscriber, null=True, on_delete='SET NULL')
        email = CharField(max_length=255)
        status = CharField(max_length=16, default='pending', index=True)
        attempts = IntegerField(default=0)
        error = TextField(null=True)
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'campaign_delivery'
            indexes = ((('campaign', 'email'), True),)

    db.create_tables([MarketingTemplate, MarketingEvent, MarketingCampaign, CampaignDelivery])


def down(migrator, db):
    migrator.drop_table('campaign_delivery')
    migrator.drop_table('marketing_campaign')
    migrator.drop_table('marketing_event')
    migrator.drop_table('marketing_template')
