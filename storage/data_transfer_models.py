"""Data transfer: CSV imports of products, customers and tax rates.

An import keeps its uploaded file (a path in the media storage), its settings, its state and its
progress. Rows are written in batches, each batch in one transaction that also advances
`batches_done`, so an interrupted run continues with the next batch and never writes a row twice.
"""
from peewee import BooleanField, CharField, DateTimeField, IntegerField, JSONField

from storage.models import TimestampedModel


class DataTransferImport(TimestampedModel):
    type = CharField(index=True)  # products | customers | tax_rates
    action = CharField(default="append")  # append | delete
    state = CharField(default="pending", index=True)
    validation_strategy = CharField(default="stop-on-errors")  # stop-on-errors | skip-errors
    allowed_errors = IntegerField(default=0)
    field_separator = CharField(default=",", max_length=4)
    process_in_queue = BooleanField(default=False)
    images_directory_path = CharField(null=True)
    file_path = CharField(null=True)
    file_name = CharField(null=True)
    file_size = IntegerField(default=0)
    total_rows = IntegerField(default=0)
    processed_rows = IntegerField(default=0)
    invalid_rows = IntegerField(default=0)
    errors_count = IntegerField(default=0)
    invalid_row_numbers = JSONField(default=list)  # file row numbers (header = 1) that failed validation
    error_report_path = CharField(null=True)
    batch_size = IntegerField(default=100)
    batches_done = IntegerField(default=0)
    created_count = IntegerField(default=0)
    updated_count = IntegerField(default=0)
    deleted_count = IntegerField(default=0)
    failure = CharField(null=True)  # the error of a run that stopped
    started_at = DateTimeField(null=True)
    completed_at = DateTimeField(null=True)


MODELS = [DataTransferImport]
