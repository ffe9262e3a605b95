"""Text normalisation and stop words for search, per language.

Normalisation runs before tantivy's analyzers on both indexed text and questions: Arabic-script letter variants
and diacritics, Persian/Arabic digits and the zero-width non-joiner, so that people who type without hamza, with
Persian or Arabic yeh and kaf, or with Eastern digits still find the same words. tantivy then lower-cases, folds
Latin letters to ASCII (å/ä/ö to a/a/o, for people typing without them), drops stop words and stems.
"""

from __future__ import annotations

import re
import unicodedata

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# People type ه for a word-final ة ("السيره"); the Arabic stemmer strips ة but reads a final ه as a pronoun
# ("his"), and keeps it after the article: "السيره" stayed "سيره" while "سيرة" became "سير". So a final ه is
# written ة on both sides, which the stemmer removes like the pronoun.
_FINAL_HEH = re.compile("(?<=[\u0621-\u064a\u066e-\u06d3])\u0647(?![\u0621-\u064a\u066e-\u06d3])")
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ئ": "ي",
        "ۀ": "ه",
        "ؤ": "و",
        "ک": "ك",
        "ڪ": "ك",
        "\u200c": " ",  # zero-width non-joiner: Persian writes می‌خواهم, people also type میخواهم or می خواهم
        "ё": "е",
        "Ё": "Е",
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)


def normalize(text: str) -> str:
    """Return `text` with script variants unified; Latin letters are left to tantivy's ASCII folding."""
    text = unicodedata.normalize("NFKC", text).translate(_LETTERS)
    return _FINAL_HEH.sub("ة", _ARABIC_MARKS.sub("", text))


def fold(word: str) -> str:
    """Return a lower-case word without Latin diacritics, as tantivy's ascii_fold would."""
    return "".join(_fold_letter(ch) for ch in normalize(word).lower())


def _fold_letter(ch: str) -> str:
    if "LATIN" not in unicodedata.name(ch, ""):
        return ch  # Cyrillic й, Arabic and Ethiopic letters keep their marks
    return unicodedata.normalize("NFKD", ch)[0]


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(word) for word in text.split())


# Function words and the words every question carries ("how", "can I", "where"), which say nothing about what is
# asked. Kept short on purpose: a content word here would make questions about it unanswerable.
STOP_WORDS: dict[str, frozenset[str]] = {
    "sv": _words(
        "och i att det som en på är av för med till den har de inte om ett han men var jag sig från vi så kan "
        "när år säger hon under också efter eller nu sin där vid mot ska skulle kommer ut får finns vara hade "
        "alla andra mycket än här då sedan över bara in blir upp även vad man hur vem vilken vilka vilket varför "
        "mitt min mina mig dig du din ditt dina oss vår våra er ni dem deras hans hennes dess sina sitt detta "
        "dessa denna nån någon något några många mer mest jag vill behöver måste kunna göra gör gjorde hjälp "
        "snälla tack hej fråga undrar veta vet finnas går gå ha har hos åt emot utan innan vart också eller typ "
        "ju väl nog bra vara information info informationen berätta inget ingen inga "
    ),
    "sv-x-easy": frozenset(),  # filled below: easy Swedish shares the Swedish list
    "en": _words(
        "a an and are as at be but by for if in into is it no not of on or such that the their then there these "
        "they this to was will with i me my mine we our you your he she him her his its them what which who whom "
        "how where when why do does did doing can could should would may might must shall have has had having am "
        "been being get got getting any some all about from up out so than too very just also please help hi "
        "hello thanks thank know tell want need like find here there anyone someone something does one way now "
        "information info s t d ll re ve m dont doesnt didnt cant wont isnt arent im ive"
    ),
    "ar": _words(
        "في من على إلى الى عن مع هل كيف ماذا ما متى أين اين لماذا هذا هذه ذلك تلك هو هي هم انا أنا انت أنت نحن "
        "كان يكون أو او ثم قد لا لم لن إن ان أن التي الذي الذين كل بعض عند لدي لي لك ممكن يمكن يمكنني أريد اريد "
        "اود أود ابحث أبحث بحاجة احتاج أحتاج مساعدة من فضلك شكرا مرحبا السلام عليكم هناك هنا فيه به بها له لها "
        "و ف ب ل ك يا أي اي شي شيء معلومات معلومه اعرف أعرف احصل أحصل نحصل يحصل تحصل الحصول "
        "عند عندي عندنا "
        # the same little words as people type them in Latin letters (Arabizi)
        "shu shou sho esh ish kif kef keef kaif leh lesh laish wen wein fen fein mata ana ani enta enti inta inti "
        "huwe howe hwe hiye hiya e7na ne7na ahna hon hone hona fi fe fee fih w wa aw el al il bel bil bl bi 3ala "
        "3al 3a 3an ma mesh mish mush la lal lil min men mn ma3 m3 badde baddi bade bedi biddi bidi 3am momken "
        "mumkin mmkn fini fina akid salam marhaba shukran ya"
    ),
    "fa": _words(
        "و در به از که این آن را با برای است هست هستند بود باشد شود می نمی چه چطور چگونه کجا کجاست کی چرا آیا ایا "
        "من تو او ما شما آنها ایشان یک هم یا اگر تا بر کنم کنید کرد کردن میخواهم می‌خواهم میخوام خواهم باید "
        "توانم میتوانم می‌توانم میشه می‌شود لطفا ممنون سلام دارم داریم دارید چی کدام کدوم هر همه اطلاعات "
        "بگیرم بگیریم گرفتن ها های هایی ای ایی درباره "
        # the same little words as people type them in Latin letters (Finglish)
        "chetor chetori chetoor chetoori chejuri chi chie chiye chera koja kojast ki man to ma shoma oon un in ino "
        "ro ra be ba az dar va ke keh ham hast hastam hastim ast mitoonam mitunam mitonam mitoonim mishe mikham "
        "mikhay mikhaim bayad lotfan salam mamnoon merci kheili khyli ye yek baraye bara too tu"
    ),
    "uk": _words(
        "і й та в у на з із до від за про для по як що де коли чому чи це цей ця ці той та ті я ти він вона ми "
        "ви вони мене мені мій моя моє мої наш ваш їх їхній є був була було були бути можна можу треба потрібно "
        "хочу хотів хотіла будь ласка дякую привіт а але або ж же не ні так також там тут який яка яке які "
        "скільки де-небудь щось хтось мені мною інформація інформацію розкажіть отримати отримую отримав"
    ),
    "ru": _words(
        "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее её мне было "
        "вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас "
        "нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем "
        "была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем "
        "ним здесь этом один почти мой тем чтобы нее кажется сейчас были куда зачем всех никогда можно при "
        "наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве три "
        "эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю "
        "информация информацию расскажите "
        "между можно могу хочу нужно пожалуйста спасибо здравствуйте привет как получить получать получил"
    ),
    "so": _words(
        "iyo ka ku ee oo la waa in uu ay aan u si sidee sida maxaa xagee halkee goorma yaa ma miyaa haddii "
        "laakiin ama waxaan waxaad waxay wuxuu waxa aniga adiga isaga iyada annaga idinka iyaga kan kani taas "
        "kaas tan ah yahay yihiin jiraa jira karaa karo doonayaa rabaa rabo fadlan mahadsanid salaan haa maya "
        "helo helaa heli"
    ),
    "ti": _words(
        "ኣብ ናብ ካብ ምስ እዩ እያ እዮም ኣሎ ኣለዉ ከመይ እንታይ ኣበይ መዓስ ንምንታይ ኣነ ንስኻ ንስኺ ንሱ ንሳ ንሕና ንሶም እዚ እዚኣ እቲ እታ "
        "ድዩ ድያ ዶ ክንደይ ይኽእል ክኽእል እደሊ ይደሊ በጃኻ በጃኺ የቐንየለይ ሰላም እሞ ግን ወይ "
        "ክረክብ ይርከብ ምርካብ"
    ),
}
STOP_WORDS["sv-x-easy"] = STOP_WORDS["sv"]
