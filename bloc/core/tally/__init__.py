"""The tally engine: immutable ballot profiles and the rules that count them.

* ``ballots`` — ranked, approval and score profiles: distinct ballots with counts, as
  NumPy arrays (a rule's cost follows the distinct ballots, not the voters);
* ``result`` — the ``Result`` every rule returns, with its rounds, transfers, pairwise
  matrix or motion thresholds, as text and as JSON; ``tiebreak`` — earlier rounds,
  then a seeded lot;
* the rules: ``motions`` (majority, supermajority, consensus), ``plurality``, ``irv``,
  ``stv`` (Scottish rules) and ``meek``, ``pairwise``/``condorcet`` (Condorcet winner,
  Schulze, ranked pairs), ``borda``, ``approval``, ``score``, ``committees``
  (seq-Phragmén, Equal Shares) and ``pav``;
* ``rules`` — every rule by name, for ``bloc tally``, polls and the API.
"""
