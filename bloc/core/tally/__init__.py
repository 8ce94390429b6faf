"""The tally engine: immutable ballot profiles and the rules that count them.

``ballots`` holds the profiles every rule takes (distinct ballots with counts, as NumPy
arrays); the rule modules and their registry are built on top of it.
"""
