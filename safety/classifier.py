"""Prompt-injection defence, input layer 2: a lightweight text classifier.

Character n-grams (2-5) and word uni- and bigrams (TF-IDF) and a logistic
regression, from scikit-learn, trained on the corpus shipped in `data/injection_corpus/` (see
its README for sources and licenses) the first time a process needs it. No
embedding model is packaged on PyPI for this machine's registries (an
all-MiniLM-L6-v2 package does not exist there; sentence-transformers
downloads weights from a hub at run time), and character n-grams carry over
to German, French or Spanish attacks and to spelling tricks better than word
features would.

Text is scored sentence by sentence (and in pairs of sentences, so an attack
split across two still shows): an injection hidden in a long, clean
description must not be averaged away. The score is the highest one.
"""

import itertools
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from common.text import normalize_text

CORPUS_DIR = Path(__file__).parent / "data" / "injection_corpus"
MODEL_NAME = "tfidf-char-word-logreg-v1"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
MIN_WORDS = 4


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


def train(texts: list[str], labels: list[int]) -> Pipeline:
    model = make_pipeline(
        make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
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
    # A fragment of a few words ("Instructions for use:") says too little to
    # score alone; it is still read together with its neighbour.
    return [s for s in sentences if len(s.split()) >= MIN_WORDS] + pairs or sentences


@lru_cache(maxsize=1024)  # the input layer and the content policy read the same text
def classify(text: str) -> ClassifierScore:
    candidates = passages(text)
    if not candidates:
        return ClassifierScore(0.0, "")
    probabilities = model().predict_proba(candidates)[:, 1]
    best = int(probabilities.argmax())
    return ClassifierScore(round(float(probabilities[best]), 3), candidates[best][:120])
