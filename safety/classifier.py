"""Prompt-injection defence, input layer 2: a lightweight text classifier.

Features: character n-grams (2-5) and word uni- and bigrams (TF-IDF), plus
WordLlama's static token embeddings (the `wordllama` wheel ships its 16 MB
weights: MIT, nothing downloaded), into a logistic regression from
scikit-learn. It is trained on the corpus shipped in
`data/injection_corpus/` (its README gives sources and licenses: public
injection and jailbreak sets taken from PyPI packages, and clean product
text) the first time a process needs it, in a few seconds. Character
n-grams carry over to spelling tricks and to German or French attacks; the
embeddings carry meaning past the exact words ("disregard" near "ignore").
No transformer encoder ships its weights in a package these machines can
install; the local 135M chat model embeds at about 0.2 s a passage on
2 cores, too slow for every sentence of every job.

Text is scored sentence by sentence, in pairs of sentences (an attack split
across two still shows) and, for long runs without sentence ends, in
overlapping windows of words: an injection hidden in a long, clean
description must not be averaged away. The score is the highest one.
"""

import itertools
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.preprocessing import FunctionTransformer

from common.text import normalize_text

CORPUS_DIR = Path(__file__).parent / "data" / "injection_corpus"
MODEL_NAME = "tfidf-wordllama-logreg-v2"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
MIN_WORDS = 4
WINDOW_WORDS = 40  # long runs are also read in windows of this many words,
WINDOW_STRIDE = 20  # each starting this many words after the last


@dataclass(frozen=True)
class ClassifierScore:
    score: float
    passage: str  # the highest-scoring passage, cut to 120 characters

    def as_dict(self) -> dict[str, object]:
        return {"model": MODEL_NAME, "score": self.score, "passage": self.passage}


def corpus() -> tuple[list[str], list[int]]:
    texts, labels = [], []
    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append(normalize_text(row["text"]))
                labels.append(int(row["label"]))
    return texts, labels


@cache
def _word_llama() -> Any:
    import wordllama

    # The weights and tokenizer ship inside the wheel; never fetch them.
    return wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def embedded(texts: list[str]) -> Any:
    return _word_llama().embed(list(texts), norm=True)


def train(texts: list[str], labels: list[int]) -> Pipeline:
    model = make_pipeline(
        make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
            FunctionTransformer(embedded),
        ),
        # Balanced weights: the corpus holds more attacks than clean rows.
        LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000),
    )
    model.fit(texts, labels)
    return model


@cache
def model() -> Pipeline:
    return train(*corpus())


def passages(text: str) -> list[str]:
    sentences = [s.strip() for s in SENTENCE_END.split(normalize_text(text)) if s and s.strip()]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(sentences)]
    windows = [
        " ".join(words[start : start + WINDOW_WORDS])
        for words in (s.split() for s in sentences)
        if len(words) > WINDOW_WORDS
        for start in range(0, len(words) - WINDOW_STRIDE, WINDOW_STRIDE)
    ]
    # A fragment of a few words ("Instructions for use:") says too little to
    # score alone; it is still read together with its neighbour.
    return [s for s in sentences if len(s.split()) >= MIN_WORDS] + pairs + windows or sentences


@lru_cache(maxsize=1024)  # the input layer and the content policy read the same text
def classify(text: str) -> ClassifierScore:
    candidates = passages(text)
    if not candidates:
        return ClassifierScore(0.0, "")
    probabilities = model().predict_proba(candidates)[:, 1]
    best = int(probabilities.argmax())
    return ClassifierScore(round(float(probabilities[best]), 3), candidates[best][:120])
