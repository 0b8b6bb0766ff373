"""Names nobody listed: a gazetteer of real entities and the repair of near misses of them.

``gazetteer`` loads the shipped name list (built by ``scripts/build_gazetteer.py``), ``similarity``
holds the spelling and sound measures, ``judge`` the language models' opinion of a word,
``candidates`` finds near misses of gazetteer names in a text and ``consistency`` near misses of
names a document spells right elsewhere. ``stages/names.py`` turns them into edits.
"""

from .gazetteer import Gazetteer, GazetteerName
from .candidates import NameCandidate, NearMissFinder

__all__ = ["Gazetteer", "GazetteerName", "NameCandidate", "NearMissFinder"]
