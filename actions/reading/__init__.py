"""One reading of a resident's message: everything the router needs, worked out once.

The message is read against the live catalog (items, areas, categories, knowledge entries)
and the conversation so far (:class:`actions.memory.Context`, kept in Rasa slots). The
router (:mod:`actions.routing`) decides from the reading alone; the answers use what it
found, so nothing is matched twice.

How a message is read (:func:`read`, in ``_reading``), one private module per concern:

1. Language (``_language``): the language the message is read and answered in; a message
   in another language is read through its Japanese rendering.
2. Items (``_items``): the items the matcher found, named outright or only loosely, or
   the one a tapped button names.
3. Place (``_place``): the area the message names, a 丁目 alone taken in the town said
   last.
4. Wording (``_wording``): what its words say besides the items and the place: anything
   at all, a date, nothing but its categories, a size.
5. Unknown thing (``_unknown``): the whole name of a thing the catalog does not have.
6. Knowledge (``_knowledge``): the knowledge entries it matches, alone and with the last
   topic.
7. Last item (``_last_item``): what it says about the last item answered, from that
   item's notes and its kind's.
"""

from actions.reading._reading import Reading, read
from actions.reading._unknown import quotable

__all__ = ["Reading", "quotable", "read"]
