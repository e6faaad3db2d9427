from niochat.auth.passwords import dummy_hash, hash_password, verify_password


def test_hash_verifies_only_the_same_password():
    stored = hash_password("correct horse", cost=10)
    assert stored.startswith("scrypt$10$")
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horsE", stored)


def test_same_password_hashes_differently_each_time():
    assert hash_password("x" * 12, 10) != hash_password("x" * 12, 10)


def test_malformed_hash_never_verifies():
    assert not verify_password("a", "")
    assert not verify_password("a", "pbkdf2$1$2$3$4$5")
    assert not verify_password("a", dummy_hash(10))
