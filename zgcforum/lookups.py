"""``in`` over an integer column drops the values the column cannot hold.

Django's ``exact``, ``gt``… on an integer column already treat a value outside its range as
matching nothing (``IntegerFieldOverflow``); ``in`` passes it on, and SQLite's driver raises
``OverflowError`` for a 40-digit id (a many-to-many field of an admin form, a changelist
filter). This lookup gives ``in`` the same rule: out-of-range values match nothing.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
