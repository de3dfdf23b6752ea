"""Tables of the example plugin."""

from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class Badge(Table, tablename="example_badge"):
    """A badge awarded to a constituent."""

    id = Serial(primary_key=True)
    constituent_id = Integer(index=True)
    label = Varchar(length=60)
    awarded_at = Timestamptz()


class EventLog(Table, tablename="example_event_log"):
    """Domain events this plugin received after commit."""

    id = Serial(primary_key=True)
    name = Varchar(length=100)
    payload = Text()
    received_at = Timestamptz()
