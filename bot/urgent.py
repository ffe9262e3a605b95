"""Words of danger: a message that contains one shows the emergency number at once and flags staff.

Matching is on word starts (so inflected forms match too), after lower-casing and Unicode normalisation; in Arabic
and Persian script anywhere in a word, since articles and prepositions join the word in front ("العنف", "بسكين").
It errs on the side of showing 112 too often rather than too rarely. The lists need review
by native speakers (see docs/inbox.md).
"""

from __future__ import annotations

import re
import unicodedata

# Word starts: "självmord" also matches "självmordstankar". Phrases are matched as written.
URGENT_WORDS: dict[str, tuple[str, ...]] = {
    "sv": (
        "självmord", "ta mitt liv", "ta livet av mig", "döda mig", "vill dö", "våldtäkt", "våldtag", "misshandel",
        "slår mig", "slog mig", "hotar mig", "hotad", "hot om", "våld", "fara", "farligt", "rädd för mitt liv",
        "kniv", "vapen", "människohandel", "tvångsgift",
    ),
    "en": (
        "suicide", "kill myself", "end my life", "want to die", "rape", "raped", "abuse", "beats me", "beat me",
        "hits me", "hit me", "threaten", "violence", "violent", "danger", "knife", "weapon", "trafficking",
        "forced marriage", "afraid for my life",
    ),
    "ar": (
        "انتحار", "أنتحر", "اقتل نفسي", "أقتل نفسي", "أريد أن أموت", "اغتصاب", "اغتصب", "عنف", "يضربني", "ضربني",
        "تهديد", "يهددني", "خطر", "سكين", "سلاح", "اتجار بالبشر", "زواج قسري",
    ),
    "fa": (
        "خودکشی", "خودم را بکشم", "میخواهم بمیرم", "می‌خواهم بمیرم", "تجاوز", "خشونت", "کتک", "مرا میزند",
        "تهدید", "خطر", "چاقو", "اسلحه", "قاچاق انسان", "ازدواج اجباری",
    ),
    "uk": (
        "самогубств", "вбити себе", "покінчити з собою", "хочу померти", "зґвалту", "насильств", "б'є мене",
        "бʼє мене", "погрожу", "загроз", "небезпек", "ножем", "зброя", "торгівля людьми", "примусовий шлюб",
    ),
    "ru": (
        "самоубийств", "убить себя", "покончить с собой", "хочу умереть", "изнасилов", "насили", "бьет меня",
        "бьёт меня", "угрож", "опасност", "нож", "оружи", "торговля людьми", "принудительный брак",
    ),
    "so": (
        "is dil", "isdil", "waan dhiman", "kufsi", "kufsad", "rabshad", "iga garaac", "i garaac", "hanjabaad",
        "khatar", "mindi", "ka ganacsiga dadka", "guur qasab",
    ),
    "ti": ("ርእሰ-ቅትለት", "ርእሰ ቅትለት", "ክሞት እደሊ", "ዓመጽ", "ምድፋር", "ይወቕዓኒ", "ምፍርራሕ", "ሓደጋ", "ካራ", "ብረት"),
}  # fmt: skip


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("\u200c", " ").replace("\u2019", "'")


ARABIC_SCRIPT = ("ar", "fa")
_JOINED = {_normal(w) for code in ARABIC_SCRIPT for w in URGENT_WORDS[code]}
_STARTS = {_normal(w) for code, words in URGENT_WORDS.items() if code not in ARABIC_SCRIPT for w in words}


def _alternatives(words: set[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_PATTERN = re.compile(rf"(?<![\w])(?:{_alternatives(_STARTS)})|(?:{_alternatives(_JOINED)})", re.UNICODE)


def is_urgent(text: str) -> bool:
    """Return whether `text` contains a word of danger in any of the registry's languages."""
    return _PATTERN.search(_normal(text)) is not None
