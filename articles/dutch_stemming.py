"""Dutch stems the Snowball stemmer gets wrong, corrected before it runs.

The Snowball Dutch stemmers (``dutch``, ``dutch_porter``) cut ``-heid`` off ``overheid``
(government), leaving ``over`` (about), and leave a present-tense form (``redeneert``) apart
from its infinitive (``redeneren``). Two corrections come first: a table of words whose stem
is given outright, then a rule that stems a present-tense form as its infinitive. The rule
knows a present-tense form by its ending, so it covers only endings no common noun has
(``-eert``, ``-dt``, ``-ouwt``...); nouns that share one (``concert``) are in the table.
``tests/articles/test_dutch_stemming.py`` holds the word list both are measured against.

Raise ``VERSION`` with any change here, and add a migration that runs
``articles.search.index_refresh`` (as ``0009_search_stemming`` does): the database stores the
version its index was built with, and a differing one is rebuilt (``manage.py reindex_search``
does it by hand).
"""

VERSION = 2  # 1: the Snowball stemmer alone

# Words whose stem is given outright: the stem they share with their other forms.
EXCEPTIONS = {
    # Snowball cuts -heid and lands on an unrelated word.
    "overheid": "overheid",
    "overheden": "overheid",
    "eenheid": "eenheid",
    "eenheden": "eenheid",
    # Nouns with a present-tense ending, kept whole.
    "concert": "concert",
    "expert": "expert",
    "dessert": "dessert",
    "hert": "hert",
    "buurt": "buurt",
}

# A present-tense ending (the stem's last sounds and -t) and its infinitive's: a long vowel
# is written single before -en, a short one's consonant doubles, -en follows otherwise. An
# ending is listed only when no common noun ends in it (``-aart`` is ``kaart``, ``-ent`` is
# ``student``), longest first so a word takes its most specific ending.
PRESENT_TENSE = (
    ("ouwt", "ouwen"),  # bouwt: bouwen
    ("aait", "aaien"),  # draait: draaien
    ("oeit", "oeien"),  # groeit: groeien
    ("ijnt", "ijnen"),  # verschijnt: verschijnen
    ("ijgt", "ijgen"),  # krijgt: krijgen
    ("oelt", "oelen"),  # voelt: voelen
    ("oemt", "oemen"),  # noemt: noemen
    ("eert", "eren"),  # redeneert: redeneren
    ("uurt", "uren"),  # stuurt: sturen
    ("aalt", "alen"),  # betaalt: betalen
    ("aagt", "agen"),  # vraagt: vragen
    ("eelt", "elen"),  # deelt: delen
    ("eemt", "emen"),  # neemt: nemen
    ("eent", "enen"),  # meent: menen
    ("oont", "onen"),  # toont: tonen
    ("ngt", "ngen"),  # brengt: brengen
    ("lgt", "lgen"),  # volgt: volgen
    ("rgt", "rgen"),  # zorgt: zorgen
    ("ert", "eren"),  # verandert: veranderen
    ("telt", "tellen"),  # stelt: stellen
    ("elt", "elen"),  # regelt: regelen
    ("ilt", "illen"),  # wilt: willen
    ("egt", "eggen"),  # zegt: zeggen
    ("igt", "iggen"),  # ligt: liggen
    ("dt", "den"),  # wordt: worden
)


def stem(word: str, snowball) -> str:
    """``word`` (lower case) stemmed by the ``snowball`` Dutch stemmer, corrected."""
    if word in EXCEPTIONS:
        return EXCEPTIONS[word]
    for ending, infinitive in PRESENT_TENSE:
        if word.endswith(ending) and len(word) > len(ending):
            return snowball.stemWord(word.removesuffix(ending) + infinitive)
    return snowball.stemWord(word)
