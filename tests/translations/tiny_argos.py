"""Build a tiny but real Argos Translate package at run time, so tests can run the real Argos code path offline.

The package holds everything `argostranslate` loads for a translation, all made here in a fraction of a second:

- `sentencepiece.model`: a SentencePiece model trained on made-up Latin, Cyrillic and Arabic lines;
- `model/`: a one-layer CTranslate2 Transformer whose weights are set by hand so that it copies its input,
  optionally after a marker token (`marker="[sv]"` turns "Hello world." into "[sv] Hello world.");
- `minisbd/sbd.onnx`: a MiniSBD sentence splitter (a small ONNX graph written here) that ends a sentence at
  ".", "!" or "?" followed by a space or the end of the text. Argos uses the ONNX model a package ships under
  `minisbd/`; without one it would download a model.

Argos splits the text into sentences and translates each on its own, so the marker starts every sentence:
"Hello world. How are you?" becomes "[sv] Hello world. [sv] How are you?". The made-up vocabulary splits real
words mostly into single characters, and Argos leaves CTranslate2's decoding limit at 256 tokens: a sentence of
more than about 250 characters comes back cut short, and one of more than MAX_POSITIONS tokens raises.
"""

from __future__ import annotations

import io
import json
import random
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import sentencepiece as spm
from ctranslate2.specs import attention_spec, common_spec, transformer_spec

VOCAB_SIZE = 400
D_MODEL = 64
TOKEN_DIMS = 44  # the first TOKEN_DIMS dimensions carry which token; the rest carry the position
PERIODS = (4, 16, 64, 256, 1024)  # sin/cos position codes; their dot product peaks only at distance 0 below 1024
MAX_POSITIONS = 512
ATTENTION_SHARPNESS = 50.0
LOGIT_SCALE = 3.0
MARKER_STRENGTH = 12.0

LATIN = "abcdefghijklmnopqrstuvwxyzåäöéü"
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ"
ARABIC = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
PUNCTUATION = ".,!?;:'\"()-%/؟،"
SENTENCE_ENDS = ".!?؟"


def build_package(directory: Path, from_code: str, to_code: str, marker: str | None = None) -> Path:
    """Write `<from>_<to>.argosmodel` into `directory` and return its path.

    The model copies its input; with `marker` (one word, such as "[sv]") it puts the marker before each sentence.
    """
    if marker is not None and (not marker or any(character.isspace() for character in marker)):
        raise ValueError(f"the marker must be one word, not {marker!r}")
    marker_piece = None if marker is None else "▁" + marker  # "▁" is SentencePiece's space: " [sv]" mid-text
    sentencepiece_model = _train_sentencepiece(marker_piece)
    processor = spm.SentencePieceProcessor(model_proto=sentencepiece_model)
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    folder = f"translate-{from_code}_{to_code}"
    metadata = {
        "package_version": "1.0",
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": from_code,
        "to_code": to_code,
        "to_name": to_code,
        "type": "translate",
        "links": [],
    }
    path = Path(directory) / f"{from_code}_{to_code}.argosmodel"
    with tempfile.TemporaryDirectory() as model_dir, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _copy_model(vocabulary, marker_piece).save(model_dir)
        for file in sorted(Path(model_dir).iterdir()):
            archive.write(file, f"{folder}/model/{file.name}")
        archive.writestr(f"{folder}/metadata.json", json.dumps(metadata, indent=2))
        archive.writestr(f"{folder}/sentencepiece.model", sentencepiece_model)
        archive.writestr(f"{folder}/minisbd/sbd.onnx", _sentence_splitter(from_code))
    return path


def _train_sentencepiece(marker_piece: str | None) -> bytes:
    """A SentencePiece model trained on made-up lines, normalizing nothing so that decoding gives back the input."""
    rng = random.Random(0)
    alphabets = (LATIN, CYRILLIC, ARABIC)
    # One line per alphabet with every character (capitals too), so character_coverage=1.0 keeps them all.
    lines = [" ".join(alphabet + alphabet.upper()) for alphabet in alphabets] + [" ".join("0123456789" + PUNCTUATION)]
    for _ in range(400):
        alphabet = rng.choice(alphabets)
        words = ["".join(rng.choices(alphabet, k=rng.randint(1, 7))) for _ in range(rng.randint(3, 10))]
        words[0] = words[0].capitalize()
        words.insert(rng.randrange(len(words)), str(rng.randint(0, 2025)))
        lines.append(" ".join(words) + rng.choice(SENTENCE_ENDS))
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=VOCAB_SIZE,
        character_coverage=1.0,
        normalization_rule_name="identity",
        user_defined_symbols=[] if marker_piece is None else [marker_piece],
        minloglevel=2,
    )
    return model.getvalue()


def _copy_model(vocabulary: list[str], marker_piece: str | None) -> transformer_spec.TransformerSpec:
    """A one-layer Transformer that copies the source, after `marker_piece` when given.

    The encoder's sublayers add nothing: its output is a token code plus a position code. The decoder's only
    working sublayer is the cross-attention: the query of decoder step t matches only the key of source position t
    (t - 1 after a marker), and the value carries that position's token code on to the output projection. The
    source gets "</s>" appended, so copying it ends the translation. The decoder embeddings are zero except the
    start token's, which is the marker's code: the first step emits the marker.
    """
    size = len(vocabulary)
    rng = np.random.default_rng(0)
    half = np.r_[np.ones(TOKEN_DIMS // 2), -np.ones(TOKEN_DIMS // 2)]
    codes = rng.permuted(np.tile(half, (size, 1)), axis=1)  # ±1, zero mean and the same norm: layer norm keeps them
    shift = 0 if marker_piece is None else 1
    token_part = np.diag(np.r_[np.ones(TOKEN_DIMS), np.zeros(D_MODEL - TOKEN_DIMS)]).astype(np.float32)
    position_part = np.eye(D_MODEL, dtype=np.float32) - token_part

    spec = transformer_spec.TransformerSpec(
        transformer_spec.TransformerEncoderSpec(1, 1), transformer_spec.TransformerDecoderSpec(1, 1)
    )
    encoder, decoder = spec.encoder, spec.decoder
    encoder.scale_embeddings = decoder.scale_embeddings = False
    encoder.embeddings[0].weight = _embed(codes)
    encoder.position_encodings.encodings = _positions(np.arange(MAX_POSITIONS))
    _silence(encoder.layer[0].self_attention, encoder.layer[0].ffn)
    _set_norm(encoder.layer_norm)

    start = np.zeros((size, D_MODEL), dtype=np.float32)
    if marker_piece is not None:
        start[vocabulary.index("<s>")] = MARKER_STRENGTH * _embed(codes[[vocabulary.index(marker_piece)]])[0]
    decoder.embeddings.weight = start
    decoder.position_encodings.encodings = _positions(np.arange(MAX_POSITIONS) - shift)
    layer = decoder.layer[0]
    _silence(layer.self_attention, layer.ffn)
    cross = layer.attention
    _set_norm(cross.layer_norm)
    cross.linear[0].weight = ATTENTION_SHARPNESS * position_part  # queries
    cross.linear[1].weight = np.concatenate([position_part, token_part])  # keys, values
    cross.linear[2].weight = token_part  # output
    _set_norm(decoder.layer_norm)
    decoder.projection.weight = LOGIT_SCALE * _embed(codes)
    decoder.projection.bias = np.zeros(size, dtype=np.float32)

    spec.config.add_source_eos = True
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize()  # aliases the many identical zero and one weights
    return spec


def _embed(codes: np.ndarray) -> np.ndarray:
    """Token codes in the first TOKEN_DIMS dimensions, zeros in the position dimensions."""
    return np.pad(codes, ((0, 0), (0, D_MODEL - TOKEN_DIMS))).astype(np.float32)


def _positions(positions: np.ndarray) -> np.ndarray:
    """Position codes (cos, sin and their negatives, so zero mean) in the last dimensions."""
    angles = 2 * np.pi * positions[:, None] / np.array(PERIODS)
    waves = np.concatenate([np.cos(angles), np.sin(angles), -np.cos(angles), -np.sin(angles)], axis=1)
    return np.pad(waves, ((0, 0), (D_MODEL - waves.shape[1], 0))).astype(np.float32)


def _set_norm(norm: common_spec.LayerNormSpec) -> None:
    norm.gamma = np.ones(D_MODEL, dtype=np.float32)
    norm.beta = np.zeros(D_MODEL, dtype=np.float32)


def _silence(attention: attention_spec.MultiHeadAttentionSpec, ffn: transformer_spec.FeedForwardSpec) -> None:
    """Make a self-attention and a feed-forward sublayer add nothing to the residual stream."""
    _set_norm(attention.layer_norm)
    attention.linear[0].weight = np.zeros((3 * D_MODEL, D_MODEL), dtype=np.float32)
    attention.linear[1].weight = np.zeros((D_MODEL, D_MODEL), dtype=np.float32)
    _set_norm(ffn.layer_norm)
    ffn.linear_0.weight = np.zeros((D_MODEL, D_MODEL), dtype=np.float32)
    ffn.linear_1.weight = np.zeros((D_MODEL, D_MODEL), dtype=np.float32)


# MiniSBD model: an ONNX graph, written as protobuf by hand (the `onnx` package is not installed). MiniSBD feeds
# it character ids ("units", batch × length) and features (batch × length × 0 here) and takes the argmax of
# five scores per character: 1 ends a token, 2 ends a sentence. Here every character is a token and a sentence
# ends at an end mark followed by a space or the padding after the text.

_FLOAT, _INT64 = 1, 7


def _sentence_splitter(lang_code: str) -> bytes:
    units = ["<PAD>", "<UNK>", " ", *SENTENCE_ENDS]  # every other character is <UNK>
    is_end = np.array([unit in SENTENCE_ENDS for unit in units], dtype=np.float32)
    is_space = np.array([unit in ("<PAD>", " ") for unit in units], dtype=np.float32)
    initializers = [
        _tensor("is_end", is_end),
        _tensor("is_space", is_space),
        _tensor("one", np.array([1], dtype=np.int64)),
        _tensor("last", np.array([np.iinfo(np.int64).max], dtype=np.int64)),
        _tensor("pads", np.array([0, 0, 0, 1], dtype=np.int64)),  # one more column at the end, filled with 1
        _tensor("pad_value", np.array(1, dtype=np.float32)),
        _tensor("two", np.array([2], dtype=np.int64)),
        _tensor("token_end", np.array([0, 1, 0, 0, 0], dtype=np.float32)),
        _tensor("sentence_end", np.array([0, 0, 2, 0, 0], dtype=np.float32)),
    ]
    nodes = [
        _node("Gather", ["is_end", "units"], ["end"]),
        _node("Gather", ["is_space", "units"], ["space"]),
        _node("Slice", ["space", "one", "last", "one"], ["space_after_short"]),
        _node("Pad", ["space_after_short", "pads", "pad_value"], ["space_after"]),
        _node("Mul", ["end", "space_after"], ["split"]),
        _node("Unsqueeze", ["split", "two"], ["split_column"]),
        _node("Mul", ["split_column", "sentence_end"], ["boost"]),
        _node("Add", ["token_end", "boost"], ["scores"]),
    ]
    graph = (
        b"".join(_field(1, node) for node in nodes)
        + _field(2, "minisbd")
        + b"".join(_field(5, tensor) for tensor in initializers)
        + _field(11, _value_info("units", _INT64, ["batch", "length"]))
        + _field(11, _value_info("features", _FLOAT, ["batch", "length", "features"]))
        + _field(12, _value_info("scores", _FLOAT, ["batch", "length", 5]))
    )
    config = {"max_seqlen": 1000, "batch_size": 16, "feat_funcs": [], "use_dictionary": False, "num_dict_feat": 0}
    unit_ids = {unit: i for i, unit in enumerate(units)}
    vocab = {"lang": lang_code, "idx": 0, "cutoff": 0, "lower": False, "_id2unit": units, "_unit2id": unit_ids}
    metadata = {"lang_code": lang_code, "config": json.dumps(config), "vocab": json.dumps(vocab)}
    return (
        _field(1, 8)  # ir_version
        + _field(8, _field(2, 17))  # opset_import: default domain, version 17
        + _field(7, graph)
        + b"".join(_field(14, _field(1, key) + _field(2, value)) for key, value in metadata.items())
    )


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _field(number: int, value: int | str | bytes) -> bytes:
    """One protobuf field: a varint for an int, length-delimited for text and nested messages."""
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    data = value.encode() if isinstance(value, str) else value
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _tensor(name: str, array: np.ndarray) -> bytes:
    dtype = _FLOAT if array.dtype == np.float32 else _INT64
    dims = b"".join(_field(1, dim) for dim in array.shape)
    return dims + _field(2, dtype) + _field(8, name) + _field(9, array.astype(array.dtype.newbyteorder("<")).tobytes())


def _node(op_type: str, inputs: list[str], outputs: list[str]) -> bytes:
    return b"".join(_field(1, i) for i in inputs) + b"".join(_field(2, o) for o in outputs) + _field(4, op_type)


def _value_info(name: str, elem_type: int, dims: list[str | int]) -> bytes:
    shape = b"".join(_field(1, _field(1, dim) if isinstance(dim, int) else _field(2, dim)) for dim in dims)
    return _field(1, name) + _field(2, _field(1, _field(1, elem_type) + _field(2, shape)))
