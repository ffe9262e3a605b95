"""Names of content kinds shown in the admin (English message ids, translated where they are shown)."""

from __future__ import annotations

from content.models import ArticleKind
from translations.catalogs import N_

KIND_NAMES = {
    ArticleKind.MUNICIPALITY: N_("Municipalities"),
    ArticleKind.WORK: N_("Work"),
    ArticleKind.INTRODUCTION: N_("Introduction"),
    ArticleKind.FAQ: N_("Questions and answers"),
    ArticleKind.STORY: N_("Stories"),
    ArticleKind.HELP: N_("Help"),
}
