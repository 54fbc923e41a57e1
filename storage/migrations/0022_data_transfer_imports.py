"""Data transfer imports: one row per uploaded import file, with its settings, state and batch progress."""
from peewee import *


def up(migrator, db):
    class DataTransferImport(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        type = CharField(index=True)
        action = CharField(default='append')
        state = CharField(default='pending', index=True)
        validation_strategy = CharField(default='stop-on-errors')
        allowed_errors = IntegerField(default=0)
        field_separator = CharField(default=',', max_length=4)
        process_in_queue = BooleanField(default=False)
        images_directory_path = CharField(null=True)
        file_path = CharField(null=True)
        file_name = CharField(null=True)
        file_size = IntegerField(default=0)
        total_rows = IntegerField(default=0)
        processed_rows = IntegerField(default=0)
        invalid_rows = IntegerField(default=0)
        errors_count = IntegerField(default=0)
        invalid_row_numbers = JSONField(default=list)
        error_report_path = CharField(null=True)
        batch_size = IntegerField(default=100)
        batches_done = IntegerField(default=0)
        created_count = IntegerField(default=0)
        updated_count = IntegerField(default=0)
        deleted_count = IntegerField(default=0)
        failure = CharField(null=True)
        started_at = DateTimeField(null=True)
        completed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'data_transfer_import'
    db.create_tables([DataTransferImport])


def down(migrator, db):
    migrator.drop_table('data_transfer_import')
