"""Opinion mapping as Polis does it: who thinks alike, what sets each group apart, what unites them.

The method is the one ``shared/data/polis/README.md`` describes, stage by stage:

1. **Vote matrix** (:class:`VoteMatrix`): participants x statements, +1 agree, -1 disagree,
   0 pass, NaN never voted; only statements somebody voted on are columns. Statements that
   were moderated out (rejected, or meta) are *moderated out*: for the PCA, the projection
   and the representative statements their column is a pass from everyone.
2. **In-conversation participants** (:func:`in_conversation`): those who voted on at least
   ``min(7, statements)`` statements, topped up with the keenest voters to 15.
3. **PCA and projection** (:func:`project`): missing votes take the statement's mean, two
   principal components, and each participant is placed from the statements they answered,
   scaled by ``sqrt(statements / answered)`` so that people who voted little are not all
   drawn to the centre.
4. **Opinion groups** (:func:`analyse`): the in-conversation participants are compressed
   into at most 100 *base clusters* by k-means, the base clusters are grouped by weighted
   k-means for every k from 2 to ``min(5, 2 + base // 12)``, and the k whose grouping has
   the best silhouette (over the base-cluster centres) wins; ties go to the larger k.
5. **Representative statements** of each group (:func:`representative_statements`) and
   **group-informed consensus** (:func:`consensus`), computed from any grouping, Polis's own
   included (:func:`with_groups`).

Polis updates its math as votes arrive, warm-starting each update from the last one; an
export holds only the final votes, so the groups here are computed from scratch: every
k-means starts from k-means++ seeds with a fixed seed and keeps the best of ten starts.
Results do not depend on the order of the input: participants and statements are sorted by
id, distinct points by their coordinates, and projections are rounded to 1e-6 before
clustering. BLAS and OpenMP run on one thread during the analysis (a multithreaded BLAS is
both slower on a small shared machine and free to sum in another order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

# scikit-learn is imported where it is used: importing this module stays cheap for the web app.

AGREE, PASS, DISAGREE = 1, 0, -1
Z90 = 1.2816  # one-sided 90% critical value of the normal distribution, as Polis uses it
MIN_VOTES = 7  # a participant is in the conversation after min(7, statements) votes ...
MIN_PARTICIPANTS = 15  # ... and the keenest voters are added until there are 15
BASE_CLUSTERS = 100
MAX_GROUPS = 5
REPRESENTATIVE_PER_GROUP = 5
DECIMALS = 6  # projections are rounded before clustering
SEED = 0
STARTS = 10  # k-means++ starts per k-means; the lowest inertia wins

Direction = Literal["agree", "disagree"]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


class OpinionError(ValueError):
    """The votes cannot be analysed (an unknown vote value, no votes at all)."""


# --------------------------------------------------------------------------- vote matrix


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """The final votes: one row per participant who voted, one column per statement voted on.

    ``participants`` and ``statements`` are ascending ids; ``values[i, j]`` is participant i's
    last vote on statement j (+1 agree, -1 disagree, 0 pass) or NaN when they never voted on
    it. ``moderated_out`` holds the ids of statements rejected by moderation or marked meta
    (ids without a column are kept too, and ignored).
    """

    participants: tuple[int, ...]
    statements: tuple[int, ...]
    values: FloatArray
    moderated_out: frozenset[int] = frozenset()

    @classmethod
    def from_votes(
        cls, votes: Iterable[tuple[int, int, float]], *, moderated_out: Iterable[int] = ()
    ) -> VoteMatrix:
        """From ``(participant, statement, vote)`` triples; when a pair repeats, the later wins."""
        rows = list(votes)
        if not rows:
            return cls.from_arrays([], [], [], moderated_out=moderated_out)
        pids, tids, vals = zip(*rows, strict=True)
        return cls.from_arrays(pids, tids, vals, moderated_out=moderated_out)

    @classmethod
    def from_arrays(
        cls,
        participants: ArrayLike,
        statements: ArrayLike,
        votes: ArrayLike,
        *,
        moderated_out: Iterable[int] = (),
    ) -> VoteMatrix:
        """From three parallel arrays (one entry per vote); when a pair repeats, the later wins."""
        pid = np.asarray(participants, dtype=np.int64).ravel()
        tid = np.asarray(statements, dtype=np.int64).ravel()
        val = np.asarray(votes, dtype=np.float64).ravel()
        if not len(pid) == len(tid) == len(val):
            raise OpinionError("participants, statements and votes differ in length")
        bad = ~np.isin(val, (AGREE, PASS, DISAGREE))
        if bad.any():
            raise OpinionError(f"a vote must be 1, 0 or -1, not {val[bad][0]:g}")
        p_ids, row = np.unique(pid, return_inverse=True)
        t_ids, col = np.unique(tid, return_inverse=True)
        cell = row.astype(np.int64) * len(t_ids) + col
        # the last vote on each cell: the first occurrence in the reversed list
        _, last_rev = np.unique(cell[::-1], return_index=True)
        keep = len(cell) - 1 - last_rev
        values = np.full((len(p_ids), len(t_ids)), np.nan)
        values.ravel()[cell[keep]] = val[keep]
        return cls(
            tuple(int(p) for p in p_ids),
            tuple(int(t) for t in t_ids),
            values,
            frozenset(int(t) for t in moderated_out),
        )

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.participants), len(self.statements))

    @property
    def votes(self) -> int:
        """Number of votes (non-missing cells)."""
        return int(np.count_nonzero(~np.isnan(self.values)))

    def moderated_out_mask(self) -> BoolArray:
        return np.isin(np.asarray(self.statements, dtype=np.int64), list(self.moderated_out))

    def rating(self) -> FloatArray:
        """The matrix the PCA and repness use: moderated-out columns are a pass from everyone."""
        rating = self.values.copy()
        rating[:, self.moderated_out_mask()] = 0.0
        return rating

    def explain(self) -> str:
        n, m = self.shape
        out = int(self.moderated_out_mask().sum())
        return (
            f"{n} participants voted {self.votes} times on {m} statements "
            f"({out} of them moderated out)"
        )


def in_conversation(matrix: VoteMatrix) -> BoolArray:
    """Who is clustered: at least min(7, statements) votes (passes count), at least 15 people."""
    n_votes = np.count_nonzero(~np.isnan(matrix.values), axis=1)
    mask: BoolArray = np.asarray(n_votes >= min(MIN_VOTES, matrix.shape[1]), dtype=np.bool_)
    if mask.sum() < MIN_PARTICIPANTS:
        for i in np.argsort(-n_votes, kind="stable"):
            if mask.sum() >= MIN_PARTICIPANTS:
                break
            mask[i] = True
    return mask


# --------------------------------------------------------------------------- PCA


@dataclass(frozen=True, eq=False)
class Projection:
    """Two principal components of the mean-imputed rating matrix, and where everyone lands.

    ``center`` is each statement's mean vote, ``components`` the two axes (rows, unit length,
    sign chosen so that each axis's largest entry is positive), ``coordinates`` one (x, y)
    per participant, ``variance`` the share of variance each axis explains.
    """

    center: FloatArray
    components: FloatArray
    coordinates: FloatArray
    variance: tuple[float, float]


def _top_two_axes(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Top-2 right singular vectors of ``x`` (rows) and the eigenvalues of x^T x, all of them."""
    n, m = x.shape
    if m <= n:
        gram = x.T @ x
        eigenvalues, vectors = np.linalg.eigh(gram)
        axes = vectors[:, ::-1][:, :2].T
    else:
        gram = x @ x.T
        eigenvalues, vectors = np.linalg.eigh(gram)
        left = vectors[:, ::-1][:, :2]
        axes = (x.T @ left).T
        norms = np.linalg.norm(axes, axis=1)
        axes = np.divide(axes, norms[:, None], out=np.zeros_like(axes), where=norms[:, None] > 0)
    eigenvalues = np.clip(eigenvalues[::-1], 0.0, None)
    return np.ascontiguousarray(axes), eigenvalues


def project(matrix: VoteMatrix) -> Projection:
    """PCA of the rating matrix and the sparsity-aware projection of every participant."""
    n, m = matrix.shape
    rating = matrix.rating()
    seen = ~np.isnan(rating)
    counts = seen.sum(axis=0)
    sums = np.where(seen, rating, 0.0).sum(axis=0)
    center = np.divide(sums, counts, out=np.zeros(m), where=counts > 0)
    # missing votes take the column mean, so centred they are 0: x holds only answered votes
    x = np.where(seen, rating - center, 0.0)
    components = np.zeros((2, m))
    variance = (0.0, 0.0)
    if n == 1:
        row = np.nan_to_num(rating[0])
        norm = float(np.linalg.norm(row))
        if norm > 0:
            components[0] = row / norm
    elif m == 1:
        components[0, 0] = 1.0
    elif n and m:
        axes, eigenvalues = _top_two_axes(x)
        components[: len(axes)] = axes
        total = float(eigenvalues.sum())
        if total > 0:
            variance = (float(eigenvalues[0] / total), float(eigenvalues[1] / total))
    for axis in components:
        if axis.any():
            j = int(np.argmax(np.abs(axis)))
            if axis[j] < 0:
                axis *= -1.0
    answered = seen.sum(axis=1)
    scale = np.sqrt(m / np.maximum(answered, 1))
    coordinates = (x @ components.T) * scale[:, None]
    return Projection(center, components, coordinates, variance)


# --------------------------------------------------------------------------- clustering


def _kmeans(points: FloatArray, k: int, weights: FloatArray, seed: int) -> IntArray:
    """Weighted Lloyd k-means from ``STARTS`` k-means++ starts; labels of the best (0..k'-1)."""
    from sklearn.cluster import KMeans  # type: ignore[import-untyped]

    fit = KMeans(n_clusters=k, n_init=STARTS, random_state=seed, algorithm="lloyd")
    labels = np.asarray(fit.fit_predict(points, sample_weight=weights), dtype=np.int64)
    _, dense = np.unique(labels, return_inverse=True)  # a cluster left empty is dropped
    return np.asarray(dense, dtype=np.int64)


def _weighted_centres(points: FloatArray, labels: IntArray, weights: FloatArray) -> FloatArray:
    k = int(labels.max()) + 1
    total = np.bincount(labels, weights=weights, minlength=k)
    centres = np.column_stack(
        [np.bincount(labels, weights=weights * points[:, d], minlength=k) for d in range(2)]
    )
    return np.asarray(centres / total[:, None], dtype=np.float64)


@dataclass(frozen=True)
class Clustering:
    """How the groups were found: base clusters, then the k with the best silhouette."""

    k: int
    n_base_clusters: int
    silhouettes: dict[int, float]

    def explain(self) -> str:
        if not self.silhouettes:
            return (
                f"{self.n_base_clusters} base clusters, too few to compare groupings: k = {self.k}"
            )
        tried = ", ".join(f"k={k}: {s:.3f}" for k, s in sorted(self.silhouettes.items()))
        return (
            f"{self.n_base_clusters} base clusters; silhouette {tried}; "
            f"the best is k = {self.k} (ties go to the larger k)"
        )


def cluster(points: FloatArray, *, seed: int = SEED) -> tuple[IntArray, Clustering]:
    """Opinion groups of 2-D points (rows): base clusters, then k by silhouette.

    Returns one label per point (0 = the largest group; equal sizes: the group holding the
    earliest point first) and how k was chosen.
    """
    from sklearn.metrics import silhouette_score  # type: ignore[import-untyped]

    if len(points) == 0:
        return np.zeros(0, dtype=np.int64), Clustering(0, 0, {})
    rounded = np.round(points, DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    distinct, inverse, counts = np.unique(rounded, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    weights = counts.astype(np.float64)
    if len(distinct) <= BASE_CLUSTERS:
        base_of_distinct = np.arange(len(distinct), dtype=np.int64)
        base = distinct
        sizes = weights
    else:
        base_of_distinct = _kmeans(distinct, BASE_CLUSTERS, weights, seed)
        base = _weighted_centres(distinct, base_of_distinct, weights)
        sizes = np.asarray(np.bincount(base_of_distinct, weights=weights), dtype=np.float64)
    nb = len(base)
    if nb == 1:
        return np.zeros(len(points), dtype=np.int64), Clustering(1, 1, {})
    max_k = min(MAX_GROUPS, 2 + nb // 12)
    silhouettes: dict[int, float] = {}
    runs: dict[int, IntArray] = {}
    for k in range(2, max_k + 1):
        labels = _kmeans(base, min(k, nb), sizes, seed)
        runs[k] = labels
        found = int(labels.max()) + 1
        if 2 <= found < nb:
            silhouettes[k] = float(silhouette_score(base, labels))
    if silhouettes:
        best = max(silhouettes.values())
        k_best = max(k for k, s in silhouettes.items() if s == best)
    else:
        k_best = 2
    group_of_point = runs[k_best][base_of_distinct][inverse]
    labels = _by_size(group_of_point)
    return labels, Clustering(int(labels.max()) + 1, nb, silhouettes)


def _by_size(labels: IntArray) -> IntArray:
    groups, first, sizes = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(groups)), key=lambda g: (-int(sizes[g]), int(first[g])))
    rename = np.empty(len(groups), dtype=np.int64)
    rename[order] = np.arange(len(groups))
    _, dense = np.unique(labels, return_inverse=True)
    return rename[dense.ravel()]


# --------------------------------------------------------------------------- statistics


def _prop_test(successes: FloatArray, trials: FloatArray) -> FloatArray:
    """One-proportion z-test against 1/2, with a pseudo-count."""
    return np.asarray(
        2.0 * np.sqrt(trials + 1.0) * ((successes + 1.0) / (trials + 1.0) - 0.5), np.float64
    )


def _two_prop_test(s1: FloatArray, s2: FloatArray, n1: FloatArray, n2: FloatArray) -> FloatArray:
    """Two-proportion z-test (group against the rest), one added to every count."""
    s1, s2, n1, n2 = s1 + 1.0, s2 + 1.0, n1 + 1.0, n2 + 1.0
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / spread
    return np.asarray(np.where(pooled == 1, 0.0, z), np.float64)


def _counts(mat: FloatArray, labels: IntArray, k: int) -> tuple[FloatArray, ...]:
    """Agree, disagree and seen counts per group (rows) and statement (columns)."""
    onehot = np.zeros((k, len(labels)))
    onehot[labels, np.arange(len(labels))] = 1.0
    agree = onehot @ (mat == AGREE).astype(np.float64)
    disagree = onehot @ (mat == DISAGREE).astype(np.float64)
    seen = onehot @ (~np.isnan(mat)).astype(np.float64)
    return agree, disagree, seen


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement that sets a group apart, and the figures behind the choice.

    ``direction`` is how the group leans compared with everyone else; ``agree``,
    ``disagree`` and ``seen`` count the group's votes (passes are seen, neither agree nor
    disagree). ``p_success`` is the group's smoothed share voting in that direction,
    ``p_test`` its z against one half, ``repness`` how many times likelier the group is to
    vote so than the rest, ``repness_test`` the z of that difference.
    """

    statement: int
    direction: Direction
    agree: int
    disagree: int
    seen: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False

    @property
    def score(self) -> float:
        return self.repness * self.repness_test * self.p_success * self.p_test

    @property
    def agree_share(self) -> float:
        return self.agree / self.seen if self.seen else 0.0

    @property
    def disagree_share(self) -> float:
        return self.disagree / self.seen if self.seen else 0.0

    def explain(self) -> str:
        lean = "agree" if self.direction == "agree" else "disagree"
        return (
            f"statement {self.statement}: {self.agree_share:.0%} agree, "
            f"{self.disagree_share:.0%} disagree of {self.seen} who voted; the group is "
            f"{self.repness:.2f}x likelier than the rest to {lean} (z = {self.repness_test:.2f})"
            + (" — the statement this group agrees with most" if self.best_agree else "")
        )


def representative_statements(
    rating: FloatArray, labels: IntArray, statements: Sequence[int], moderated_out: BoolArray
) -> list[tuple[RepresentativeStatement, ...]]:
    """Polis's representative statements of each group 0..k-1 (at most 5 each).

    ``rating`` holds the grouped participants' rows only (moderated-out columns zeroed).
    """
    k = int(labels.max()) + 1 if len(labels) else 0
    na, nd, ns = _counts(rating, labels, k)
    ta, td, ts = na.sum(axis=0), nd.sum(axis=0), ns.sum(axis=0)
    return [
        _group_representative(
            (na[g], nd[g], ns[g]), (ta - na[g], td - nd[g], ts - ns[g]), statements, moderated_out
        )
        for g in range(k)
    ]


def _group_representative(
    group: tuple[FloatArray, FloatArray, FloatArray],
    rest: tuple[FloatArray, FloatArray, FloatArray],
    statements: Sequence[int],
    moderated_out: BoolArray,
) -> tuple[RepresentativeStatement, ...]:
    """One group's representative statements from its counts and the rest's (agree, disagree, seen)."""
    na, nd, ns = group
    ra_, rd_, rs_ = rest  # counts are whole numbers, so total - group is exact
    pa = (na + 1) / (ns + 2)
    pd = (nd + 1) / (ns + 2)
    pat = _prop_test(na, ns)
    pdt = _prop_test(nd, ns)
    ra = pa / ((ra_ + 1) / (rs_ + 2))
    rd = pd / ((rd_ + 1) / (rs_ + 2))
    rat = _two_prop_test(na, ra_, ns, rs_)
    rdt = _two_prop_test(nd, rd_, ns, rs_)

    def make(j: int, best_agree: bool = False) -> RepresentativeStatement:
        agree = bool(rat[j] > rdt[j])
        return RepresentativeStatement(
            statement=int(statements[j]),
            direction="agree" if agree else "disagree",
            agree=int(na[j]),
            disagree=int(nd[j]),
            seen=int(ns[j]),
            p_success=float(pa[j] if agree else pd[j]),
            p_test=float(pat[j] if agree else pdt[j]),
            repness=float(ra[j] if agree else rd[j]),
            repness_test=float(rat[j] if agree else rdt[j]),
            best_agree=best_agree,
        )

    qualifying: list[int] = []
    best_agree: int | None = None
    fallback: int | None = None
    for j in range(len(statements)):
        if moderated_out[j]:
            continue
        if (rat[j] > Z90 and pat[j] > Z90) or (rdt[j] > Z90 and pdt[j] > Z90):
            qualifying.append(j)
        if fallback is None or max(rat[j], rdt[j]) > max(rat[fallback], rdt[fallback]):
            fallback = j
        if na[j] == 0 and nd[j] == 0:
            continue
        if best_agree is None:
            take = bool(pat[j] > Z90 or (ra[j] > 1.0 and pa[j] > 0.5))
        else:
            b = best_agree
            if ra[b] > 1.0:
                take = bool(ra[j] * rat[j] * pa[j] * pat[j] > ra[b] * rat[b] * pa[b] * pat[b])
            else:
                take = bool(pa[j] * pat[j] > pa[b] * pat[b])
        if take:
            best_agree = j
    if not qualifying:
        if best_agree is not None:
            chosen = [make(best_agree, True)]
        elif fallback is not None:
            chosen = [make(fallback)]
        else:
            chosen = []
    else:
        ranked = sorted((make(j) for j in qualifying if j != best_agree), key=lambda r: -r.score)
        head = [make(best_agree, True)] if best_agree is not None else []
        chosen = (head + ranked)[:REPRESENTATIVE_PER_GROUP]
        chosen = [r for r in chosen if r.direction == "agree"] + [
            r for r in chosen if r.direction == "disagree"
        ]
    return tuple(chosen)


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement every group tends to agree with.

    ``value`` is the group-informed consensus: the product, over the groups, of each group's
    smoothed share agreeing, (agree + 1) / (seen + 2). ``agree_shares`` and ``seen`` are
    per group (in group order), unsmoothed.
    """

    statement: int
    value: float
    agree_shares: tuple[float, ...]
    seen: tuple[int, ...]

    def explain(self) -> str:
        shares = ", ".join(
            f"group {g}: {s:.0%} of {n}"
            for g, (s, n) in enumerate(zip(self.agree_shares, self.seen, strict=True))
        )
        return f"statement {self.statement}: consensus {self.value:.3f} (agree {shares})"


def consensus(
    values: FloatArray, labels: IntArray, statements: Sequence[int], moderated_out: BoolArray
) -> tuple[ConsensusStatement, ...]:
    """Group-informed consensus of every statement not moderated out, highest first (ties: id).

    ``values`` are the grouped participants' raw votes (moderated-out columns not zeroed).
    """
    k = int(labels.max()) + 1 if len(labels) else 0
    na, _, ns = _counts(values, labels, k)
    gic = np.prod((na + 1.0) / (ns + 2.0), axis=0)
    shares = np.divide(na, ns, out=np.zeros_like(na), where=ns > 0)
    order = sorted(
        (j for j in range(len(statements)) if not moderated_out[j]),
        key=lambda j: (-float(gic[j]), int(statements[j])),
    )
    return tuple(
        ConsensusStatement(
            int(statements[j]),
            float(gic[j]),
            tuple(float(s) for s in shares[:, j]),
            tuple(int(n) for n in ns[:, j]),
        )
        for j in order
    )


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class OpinionGroup:
    """One opinion group: its members and the statements that set it apart."""

    id: int
    participants: tuple[int, ...]
    representative: tuple[RepresentativeStatement, ...]

    @property
    def size(self) -> int:
        return len(self.participants)

    def explain(self) -> list[str]:
        lines = [f"Group {self.id}: {self.size} participants"]
        lines += [f"  {r.explain()}" for r in self.representative]
        return lines


@dataclass(frozen=True, eq=False)
class OpinionMap:
    """Everything the analysis found, and enough to say why.

    ``groups`` maps every participant id to their group (-1: not grouped, because they voted
    too little); ``positions`` maps every participant id to (x, y) on the map;
    ``consensus`` is every statement not moderated out, most consensual first.
    """

    matrix: VoteMatrix
    projection: Projection | None
    groups: dict[int, int]
    opinion_groups: tuple[OpinionGroup, ...]
    consensus: tuple[ConsensusStatement, ...]
    clustering: Clustering | None = None
    in_conversation: frozenset[int] = field(default_factory=frozenset)

    @property
    def k(self) -> int:
        return len(self.opinion_groups)

    @property
    def positions(self) -> dict[int, tuple[float, float]]:
        if self.projection is None:
            return {}
        xy = self.projection.coordinates
        return {
            p: (float(xy[i, 0]), float(xy[i, 1])) for i, p in enumerate(self.matrix.participants)
        }

    def top_consensus(self, n: int = 5) -> tuple[ConsensusStatement, ...]:
        return self.consensus[:n]

    def explain(self) -> list[str]:
        lines = [self.matrix.explain() + "."]
        grouped = sum(1 for g in self.groups.values() if g >= 0)
        lines.append(
            f"{grouped} participants are grouped (at least {min(MIN_VOTES, self.matrix.shape[1])}"
            f" votes); {len(self.groups) - grouped} voted too little."
        )
        if self.clustering is not None:
            lines.append(self.clustering.explain() + ".")
        for group in self.opinion_groups:
            lines += group.explain()
        lines.append("Consensus (group-informed):")
        lines += [f"  {c.explain()}" for c in self.top_consensus()]
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "groups": {str(p): g for p, g in self.groups.items()},
            "representative": {
                str(g.id): [
                    {
                        "statement": r.statement,
                        "direction": r.direction,
                        "agree": r.agree,
                        "disagree": r.disagree,
                        "seen": r.seen,
                        "repness": r.repness,
                        "repness_test": r.repness_test,
                        "p_success": r.p_success,
                        "p_test": r.p_test,
                        "best_agree": r.best_agree,
                    }
                    for r in g.representative
                ]
                for g in self.opinion_groups
            },
            "consensus": [
                {"statement": c.statement, "value": c.value, "agree_shares": list(c.agree_shares)}
                for c in self.top_consensus()
            ],
        }


def _summarise(
    matrix: VoteMatrix,
    labels: IntArray,
    projection: Projection | None,
    clustering: Clustering | None,
    in_conv: BoolArray,
) -> OpinionMap:
    """Groups, representative statements and consensus from one label per row (-1: none)."""
    grouped = labels >= 0
    out = matrix.moderated_out_mask()
    members = labels[grouped]
    rep = representative_statements(matrix.rating()[grouped], members, matrix.statements, out)
    agreed = consensus(matrix.values[grouped], members, matrix.statements, out)
    pids = np.asarray(matrix.participants, dtype=np.int64)
    groups = tuple(
        OpinionGroup(g, tuple(int(p) for p in pids[labels == g]), rep[g]) for g in range(len(rep))
    )
    return OpinionMap(
        matrix=matrix,
        projection=projection,
        groups={int(p): int(g) for p, g in zip(pids, labels, strict=True)},
        opinion_groups=groups,
        consensus=agreed,
        clustering=clustering,
        in_conversation=frozenset(int(p) for p in pids[in_conv]),
    )


def analyse(matrix: VoteMatrix, *, seed: int = SEED) -> OpinionMap:
    """The whole pipeline from scratch: projection, groups, representative statements, consensus."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    if matrix.shape[0] == 0:
        raise OpinionError("there are no votes to analyse")
    with threadpool_limits(limits=1):
        projection = project(matrix)
        in_conv = in_conversation(matrix)
        labels_in, clustering = cluster(projection.coordinates[in_conv], seed=seed)
        labels = np.full(matrix.shape[0], -1, dtype=np.int64)
        labels[in_conv] = labels_in
        return _summarise(matrix, labels, projection, clustering, in_conv)


def with_groups(matrix: VoteMatrix, groups: Mapping[int, int]) -> OpinionMap:
    """Representative statements and consensus for a given grouping (Polis's own, say).

    ``groups`` maps participant ids to any integer group ids; participants missing from it or
    mapped to a negative id are not grouped. Groups are numbered 0.. in the order of their
    given ids; no projection is made.
    """
    from threadpoolctl import threadpool_limits

    given = np.array([groups.get(p, -1) for p in matrix.participants], dtype=np.int64)
    ids = sorted({int(g) for g in given if g >= 0})
    rank = {g: i for i, g in enumerate(ids)}
    labels = np.array([rank.get(int(g), -1) for g in given], dtype=np.int64)
    with threadpool_limits(limits=1):
        return _summarise(matrix, labels, None, None, labels >= 0)


def adjusted_rand(a: Sequence[int], b: Sequence[int]) -> float:
    """Adjusted Rand index of two partitions of the same items (1 = identical)."""
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(list(a), list(b)))
