"""Admin tax rates: /api/admin/settings/tax-rates (CRUD, CSV export); GraphQL adminSettingsTaxRate(s).

A rate applies to a country, optionally a state, and either one postcode (`is_zip` false: `zip_code`,
empty or "*" for any) or a postcode range (`is_zip` true: `zip_from`..`zip_to`, both required). The
shop's cart and checkout charge the matching rates of the product's tax category on every request,
so a changed percentage shows in the next cart total.
"""
import csv
import io
from decimal import Decimal

from handlers.admin.crud import AdminResource, at_least, at_most, exact, partial
from domain.common import RequestContext, json_number
from domain.errors import Unprocessable
from storage.models import TaxRate

CSV_HEADER = ("ID", "Identifier", "State", "Country", "Zip Code", "Zip From", "Zip To", "Tax Rate")


def tax_rate_document(row: TaxRate) -> dict:
    return {"id": row.id, "identifier": row.identifier, "taxRate": json_number(row.tax_rate),
            "country": row.country, "state": row.state, "isZip": row.is_zip,
            "zipCode": None if row.is_zip else row.zip_code,
            "zipFrom": row.zip_from if row.is_zip else None, "zipTo": row.zip_to if row.is_zip else None}


def tax_rate_values(body: dict, row) -> dict:
    """Columns to write; the postcode fields that do not apply to the (new) `is_zip` are cleared."""
    values = {key: body[key] for key in ("identifier", "state", "zip_code", "zip_from", "zip_to") if key in body}
    if "tax_rate" in body:
        values["tax_rate"] = Decimal(str(body["tax_rate"]))
    if "country" in body:
        values["country"] = body["country"].upper()
    if "state" in values:
        values["state"] = values["state"].upper()
    is_zip = body.get("is_zip", row.is_zip if row else False)
    values["is_zip"] = is_zip
    if is_zip:
        ends = {key: values.get(key, getattr(row, key) if row and row.is_zip else "") for key in ("zip_from", "zip_to")}
        missing = {key: [f"The {key.replace('_', ' ')} field is required when is zip is true."]
                   for key, value in ends.items() if not value}
        if missing:
            raise Unprocessable(missing)
        values.update(ends, zip_code="")
    else:
        values.update(zip_from="", zip_to="")
    return values


tax_rates = AdminResource(
    model=TaxRate, label="Tax rate", plural="Tax rates",
    document=tax_rate_document,
    filters={"identifier": partial(TaxRate.identifier), "country": exact(TaxRate.country),
             "state": exact(TaxRate.state), "tax_rate_from": at_least(TaxRate.tax_rate),
             "tax_rate_to": at_most(TaxRate.tax_rate)},
    sorts={"id": TaxRate.id, "identifier": TaxRate.identifier, "country": TaxRate.country,
           "state": TaxRate.state, "tax_rate": TaxRate.tax_rate},
    unique=("identifier",), values=tax_rate_values,
)

list_admin_tax_rates = tax_rates.list_handler()
get_admin_tax_rate = tax_rates.get_handler()
create_admin_tax_rate = tax_rates.create_handler()
update_admin_tax_rate = tax_rates.update_handler()
delete_admin_tax_rate = tax_rates.delete_handler()


def export_admin_tax_rates(context: RequestContext, format: str = "csv", sort: str | None = None,
                           order: str | None = None, **filters):
    """Every rate matching the list filters (not one page), as a `tax-rates.csv` attachment."""
    if format != "csv":
        raise Unprocessable({"format": ["The only export format is csv."]})
    query = tax_rates.filtered(filters)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in query.order_by(*tax_rates.ordering(sort, order)):
        writer.writerow((row.id, row.identifier, row.state, row.country, "" if row.is_zip else row.zip_code,
                         row.zip_from if row.is_zip else "", row.zip_to if row.is_zip else "",
                         json_number(row.tax_rate)))
    return buffer.getvalue(), 200, {"Content-Type": "text/csv",
                                    "Content-Disposition": 'attachment; filename="tax-rates.csv"'}
