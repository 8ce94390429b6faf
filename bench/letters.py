"""Benchmark printing residency letters (WeasyPrint PDF with a QR code per page).

    python bench/letters.py [--sizes 10 50 200]

Prints, for batches of each size, the seconds, letters per second and PDF size.
No peer library: the figure says how large a batch a request can print before it
should move to a background task. Runs on a throwaway SQLite database.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("BLOC_DATA_DIR", tempfile.mkdtemp(prefix="bloc-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bloc.settings")
os.environ.pop("DATABASE_URL", None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from bloc.actors import SYSTEM
    from bloc.institutions.services import chapter_create, institution_create
    from bloc.membership.residency_letters import letters_generate

    call_command("migrate", verbosity=0)
    chapter = chapter_create(actor=SYSTEM, name="Bench")
    print(f"{'letters':>8} {'seconds':>9} {'letters/s':>10} {'ms/letter':>10} {'PDF KiB':>9}")
    for size in args.sizes:
        institution = institution_create(
            actor=SYSTEM,
            chapter=chapter,
            name=f"Bench {size}",
            kind="assembly",
            addresses=[f"{n} Bench Street" for n in range(1, size + 1)],
        )
        start = time.perf_counter()
        _batch, pdf = letters_generate(actor=SYSTEM, institution=institution)
        seconds = time.perf_counter() - start
        print(
            f"{size:>8} {seconds:>9.2f} {size / seconds:>10.1f} {seconds / size * 1000:>10.1f} "
            f"{len(pdf) / 1024:>9.0f}"
        )


if __name__ == "__main__":
    main()
