"""The pure domain core of bloc.

Nothing under this package may import Django: the core is what `bloc tally`
runs offline, what the reference libraries are checked against, and what
pages, API, CLI and background tasks all share.
"""
