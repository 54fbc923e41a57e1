"""Admin bookings (specs: sales_bookings): the read-only view of booked slots.

Every operation is planned (501): booking rows are written when an order holding a booking product
is placed, and booking products are not in the catalog yet. The list, CSV export and detail go here
once they are.
"""
