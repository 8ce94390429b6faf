from tests.confederation.conftest import world  # noqa: F401 - four blocks in a chapter
