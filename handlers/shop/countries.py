"""Countries and states: GET /api/shop/countries, /countries/{id}, /countries/{country_id}/states,
/countries/{country_id}/states/{id}, /country-states, /country-states/{id};
GraphQL countries, country, countryStates, countryState.

Country `name` and state `defaultName` follow the request locale, falling back to the channel default.
REST gives state translations as IRIs; GraphQL as objects. Every load costs a fixed number of queries.
"""
from dataclasses import dataclass, field

from domain.common import Page, RequestContext, Window, translated
from domain.errors import NotFound
from storage.models import Country, CountryState, CountryStateTranslation, CountryTranslation


@dataclass
class StateRows:
    state: CountryState
    translations: list = field(default_factory=list)

    def name(self, context: RequestContext) -> str:
        current = self.current_translation(context)
        return current.default_name if current else self.state.default_name

    def current_translation(self, context: RequestContext) -> CountryStateTranslation | None:
        return translated({row.locale: row for row in self.translations}, context)


@dataclass
class CountryRows:
    country: Country
    translations: list = field(default_factory=list)
    states: list = field(default_factory=list)

    def name(self, context: RequestContext) -> str:
        current = translated({row.locale: row for row in self.translations}, context)
        return current.name if current else self.country.name


def load_states(query) -> list[StateRows]:
    bundles = {state.id: StateRows(state) for state in query}
    translations = (CountryStateTranslation.select()
                    .where(CountryStateTranslation.country_state << list(bundles))
                    .order_by(CountryStateTranslation.id))
    for row in translations:
        bundles[row.country_state_id].translations.append(row)
    return list(bundles.values())


def load_countries(query) -> list[CountryRows]:
    bundles = {country.id: CountryRows(country) for country in query}
    ids = list(bundles)
    for row in CountryTranslation.select().where(CountryTranslation.country << ids).order_by(CountryTranslation.id):
        bundles[row.country_id].translations.append(row)
    states = CountryState.select().where(CountryState.country << ids).order_by(CountryState.id)
    for state in load_states(states):
        bundles[state.state.country_id].states.append(state)
    return list(bundles.values())


def page_of(query, window: Window, loader) -> tuple[list, int]:
    return loader(query.offset(window.offset).limit(window.limit)), query.count()


def find_country(id: int) -> CountryRows:
    bundles = load_countries(Country.select().where(Country.id == id))
    if not bundles:
        raise NotFound("Country")
    return bundles[0]


def find_state(id: int, country_id: int | None = None) -> StateRows:
    query = CountryState.select().where(CountryState.id == id)
    if country_id is not None:
        query = query.where(CountryState.country == country_id)
    bundles = load_states(query)
    if not bundles:
        raise NotFound("Country state")
    return bundles[0]


def states_of(country_id: int):
    if not Country.select().where(Country.id == country_id).exists():
        raise NotFound("Country")
    return CountryState.select().where(CountryState.country == country_id).order_by(CountryState.id)


def all_countries():
    return Country.select().order_by(Country.id)


def all_states():
    return CountryState.select().order_by(CountryState.id)


# --- documents -------------------------------------------------------------

def state_fields(bundle: StateRows, context: RequestContext) -> dict:
    state = bundle.state
    return {"id": state.id, "countryId": state.country_id, "countryCode": state.country_code,
            "code": state.code, "defaultName": bundle.name(context)}


def state_document(bundle: StateRows, context: RequestContext) -> dict:
    """REST shape: translations as IRIs."""
    return state_fields(bundle, context) | {
        "translations": [f"/api/shop/country_state_translations/{row.id}" for row in bundle.translations]}


def state_graphql_document(bundle: StateRows, context: RequestContext) -> dict:
    current = bundle.current_translation(context)
    return state_fields(bundle, context) | {
        "translation": state_translation_document(current) if current else None,
        "translations": [state_translation_document(row) for row in bundle.translations]}


def state_translation_document(row: CountryStateTranslation) -> dict:
    return {"id": row.id, "countryStateId": row.country_state_id, "locale": row.locale,
            "defaultName": row.default_name}


def country_translation_document(row: CountryTranslation) -> dict:
    return {"id": row.id, "countryId": row.country_id, "locale": row.locale, "name": row.name}


def country_document(bundle: CountryRows, context: RequestContext, render_state=state_document) -> dict:
    country = bundle.country
    return {"id": country.id, "code": country.code, "name": bundle.name(context),
            "states": [render_state(state, context) for state in bundle.states],
            "translations": [country_translation_document(row) for row in bundle.translations]}


def country_graphql_document(bundle: CountryRows, context: RequestContext) -> dict:
    return country_document(bundle, context, render_state=state_graphql_document)


# --- REST ------------------------------------------------------------------

# `graphql`: the GraphQL shape (translations as objects, not IRIs), passed by the GraphQL bridge.

def list_countries(context: RequestContext, window: Window, graphql: bool = False) -> Page:
    bundles, total = page_of(all_countries(), window, load_countries)
    present = country_graphql_document if graphql else country_document
    return Page([present(bundle, context) for bundle in bundles], total)


def get_country(context: RequestContext, id: int, graphql: bool = False) -> dict:
    return (country_graphql_document if graphql else country_document)(find_country(id), context)


def list_country_states_of_country(context: RequestContext, window: Window, country_id: int | None = None,
                                   graphql: bool = False) -> Page:
    """The states of one country; over GraphQL `countryId` may be left out for every state."""
    query = states_of(country_id) if country_id is not None else all_states()
    bundles, total = page_of(query, window, load_states)
    present = state_graphql_document if graphql else state_document
    return Page([present(bundle, context) for bundle in bundles], total)


def get_country_state_of_country(context: RequestContext, country_id: int, id: int) -> dict:
    return state_document(find_state(id, country_id), context)


def list_country_states(context: RequestContext, window: Window) -> Page:
    bundles, total = page_of(all_states(), window, load_states)
    return Page([state_document(bundle, context) for bundle in bundles], total)


def get_country_state(context: RequestContext, id: int, graphql: bool = False) -> dict:
    return (state_graphql_document if graphql else state_document)(find_state(id), context)


def get_country_state_translation(context: RequestContext, id: int) -> dict:
    row = CountryStateTranslation.get_or_none(CountryStateTranslation.id == id)
    if row is None:
        raise NotFound("Country state translation")
    return state_translation_document(row)
