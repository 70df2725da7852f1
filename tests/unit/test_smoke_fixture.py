from crm_app.services import stats


def test_fresh_database_is_empty(session):
    counts = stats.counts(session)
    assert set(counts) == set(stats.COUNTED)
    assert all(v == 0 for v in counts.values())
