"""What a printed poster with the bot's QR code says, in the language of the people it is for."""

from __future__ import annotations

from dataclasses import dataclass

from translations.catalogs import Translator
from translations.languages import BY_CODE


@dataclass(frozen=True, slots=True)
class PosterText:
    """The words on a poster, with its language and writing direction."""

    lang: str
    rtl: bool
    instruction: str
    no_telegram: str


def poster_text(lang: str) -> PosterText:
    """The poster's instructions in `lang` (the bot's interface catalogue: the same words people see in the bot)."""
    t = Translator(lang)
    return PosterText(
        lang=lang,
        rtl=BY_CODE[lang].rtl,
        instruction=t.gettext("Scan the code with your phone's camera to open Vägvisare in Telegram."),
        no_telegram=t.gettext("No Telegram yet? Install it from your phone's app store, then scan the code again."),
    )
