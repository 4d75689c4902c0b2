from cryptography.fernet import Fernet

from safety import encryption


def test_round_trip_and_ciphertext_hides_the_plaintext():
    token = encryption.encrypt_json({"content": "secret shirt"})
    assert b"secret" not in token
    assert encryption.decrypt_json(token) == {"content": "secret shirt"}


def test_rotation_decrypts_with_an_old_key_and_encrypts_with_the_new(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.BEACON_ENCRYPTION_KEYS = [old]
    encryption._fernet.cache_clear()
    token = encryption.encrypt_json({"v": 1})
    settings.BEACON_ENCRYPTION_KEYS = [new, old]
    encryption._fernet.cache_clear()
    try:
        assert encryption.decrypt_json(token) == {"v": 1}
        fresh = encryption.encrypt_json({"v": 2})
        assert Fernet(new.encode()).decrypt(fresh)
    finally:
        encryption._fernet.cache_clear()
