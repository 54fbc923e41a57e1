"""Newsletter subscribers (and the requests the throttle counts); booking products, their slot
configurations and event tickets, the booked capacity per slot and the bookings of order lines.
Independent of the migrations numbered before it beyond the tables of 0001, 0002 and 0004."""
from peewee import *


def up(migrator, db):
    def stub(name):
        class Meta:
            database = db
            table_name = name
        return type(name, (Model,), {"Meta": Meta})

    Channel, Product, Customer = stub('channel'), stub('product'), stub('customer')
    Order, OrderItem = stub('order'), stub('order_item')

    class NewsletterSubscriber(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        email = CharField(max_length=255)
        channel = ForeignKeyField(Channel, on_delete='CASCADE')
        customer = ForeignKeyField(Customer, null=True, on_delete='SET NULL')
        is_subscribed = BooleanField()
        confirmed_at = DateTimeField(null=True)
        token_hash = CharField(max_length=64, unique=True)
        class Meta:
            database = db
            table_name = 'newsletter_subscriber'
            indexes = ((('email', 'channel'), True),)

    class NewsletterRequest(Model):
        email = CharField(max_length=255, index=True)
        client_ip = CharField(max_length=64, null=True, index=True)
        created_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'newsletter_request'

    class BookingProduct(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        product = ForeignKeyField(Product, on_delete='CASCADE', index=True)
        type = CharField(max_length=16)
        qty = IntegerField()
        location = CharField()
        show_location = BooleanField()
        available_every_week = BooleanField(null=True)
        available_from = DateTimeField(null=True)
        available_to = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'booking_product'

    class BookingSlotConfig(Model):
        booking_product = ForeignKeyField(BookingProduct, on_delete='CASCADE', unique=True)
        kind = CharField(max_length=16)
        booking_type = CharField(max_length=8, null=True)
        duration = IntegerField(null=True)
        break_time = IntegerField(null=True)
        same_slot_all_days = BooleanField(null=True)
        renting_type = CharField(max_length=16, null=True)
        daily_price = BigIntegerField(null=True)
        hourly_price = BigIntegerField(null=True)
        price_type = CharField(max_length=8, null=True)
        guest_limit = IntegerField(null=True)
        prevent_scheduling_before = IntegerField(null=True)
        slots = JSONField()
        class Meta:
            database = db
            table_name = 'booking_slot_config'

    class BookingEventTicket(Model):
        booking_product = ForeignKeyField(BookingProduct, on_delete='CASCADE', index=True)
        name = CharField()
        description = TextField()
        price = BigIntegerField()
        qty = IntegerField()
        special_price = BigIntegerField(null=True)
        special_price_from = DateTimeField(null=True)
        special_price_to = DateTimeField(null=True)
        sort_order = IntegerField()
        class Meta:
            database = db
            table_name = 'booking_event_ticket'

    class BookingCapacity(Model):
        booking_product = ForeignKeyField(BookingProduct, on_delete='CASCADE')
        ticket = IntegerField()
        starts_at = BigIntegerField()
        ends_at = BigIntegerField()
        capacity = IntegerField()
        booked = IntegerField()
        class Meta:
            database = db
            table_name = 'booking_capacity'
            indexes = ((('booking_product', 'ticket', 'starts_at', 'ends_at'), True),)

    class Booking(Model):
        order = ForeignKeyField(Order, on_delete='CASCADE', index=True)
        order_item = ForeignKeyField(OrderItem, on_delete='CASCADE')
        product = ForeignKeyField(Product, on_delete='CASCADE')
        booking_product = ForeignKeyField(BookingProduct, on_delete='CASCADE')
        ticket = IntegerField(null=True)
        qty = IntegerField()
        starts_at = BigIntegerField(null=True)
        ends_at = BigIntegerField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'booking'

    db.create_tables([NewsletterSubscriber, NewsletterRequest, BookingProduct, BookingSlotConfig,
                      BookingEventTicket, BookingCapacity, Booking])


def down(migrator, db):
    for table in ('booking', 'booking_capacity', 'booking_event_ticket', 'booking_slot_config', 'booking_product',
                  'newsletter_request', 'newsletter_subscriber'):
        migrator.migrate(migrator.drop_table(table))
