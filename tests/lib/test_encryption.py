import os
import re
import stat
import subprocess
import sys

import pytest

from strides.lib.encryption import (
    ENCRYPTED_PREFIX,
    DecryptionError,
    KeyConfigurationError,
    KeyRing,
    add_key_to_file,
    create_key_file,
    generate_key,
    key_fingerprint,
    load_keys,
    retire_old_keys,
)


def ring(*keys):
    return KeyRing(list(keys))


def from_file(path):
    return load_keys(env_value=None, key_file=path)


def key_lines(path):
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


def mode_of(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "keys"
    create_key_file(path)
    return path


def test_round_trip_gives_back_the_text():
    keys = ring(generate_key())
    assert (
        keys.decrypt(keys.encrypt("Client reports better sleep.")) == "Client reports better sleep."
    )


def test_ciphertext_carries_the_version_marker_and_not_the_plaintext():
    token = ring(generate_key()).encrypt("talked about her brother")
    assert token.startswith(ENCRYPTED_PREFIX)
    assert "brother" not in token
    assert "talked" not in token


def test_same_text_encrypts_differently_each_time():
    keys = ring(generate_key())
    assert keys.encrypt("same") != keys.encrypt("same")


@pytest.mark.parametrize("text", ["", "Ärger, 😔, ユーザー, naïve", "line one\nline two\r\n\ttab"])
def test_unicode_empty_and_multiline_text_round_trip(text):
    keys = ring(generate_key())
    assert keys.decrypt(keys.encrypt(text)) == text


def test_wrong_key_raises_decryption_error():
    token = ring(generate_key()).encrypt("secret note")
    with pytest.raises(DecryptionError, match="no configured key"):
        ring(generate_key()).decrypt(token)


@pytest.mark.parametrize(
    "token",
    ["plain text note", "f1:", "f1:not-a-token", "f1:gAAAAA", "f1:é", "f2:gAAAAABk"],
)
def test_malformed_values_raise_decryption_error(token):
    with pytest.raises(DecryptionError):
        ring(generate_key()).decrypt(token)


def test_tampered_token_raises_decryption_error():
    keys = ring(generate_key())
    token = keys.encrypt("dose changed")
    middle = len(token) // 2
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    with pytest.raises(DecryptionError):
        keys.decrypt(tampered)


def test_rotation_keeps_old_values_readable_and_rotate_moves_them_to_the_new_key(key_file):
    old_token = from_file(key_file).encrypt("from before rotation")

    add_key_to_file(key_file)
    rotated_ring = from_file(key_file)
    assert rotated_ring.decrypt(old_token) == "from before rotation"
    assert rotated_ring.needs_rotation(old_token)

    new_token = rotated_ring.rotate(old_token)
    assert not rotated_ring.needs_rotation(new_token)
    newest_only = ring(key_lines(key_file)[0])
    assert newest_only.decrypt(new_token) == "from before rotation"
    with pytest.raises(DecryptionError):
        newest_only.decrypt(old_token)


def test_new_values_are_encrypted_with_the_newest_key(key_file):
    add_key_to_file(key_file)
    token = from_file(key_file).encrypt("after rotation")
    assert not from_file(key_file).needs_rotation(token)
    assert ring(key_lines(key_file)[0]).decrypt(token) == "after rotation"


def test_rotate_refuses_a_value_no_key_fits():
    with pytest.raises(DecryptionError):
        ring(generate_key()).rotate(ring(generate_key()).encrypt("x"))


def test_add_key_puts_the_new_key_first_keeps_the_old_and_stays_0600(key_file):
    (old,) = key_lines(key_file)
    fingerprint = add_key_to_file(key_file)
    new, kept = key_lines(key_file)
    assert kept == old
    assert key_fingerprint(new) == fingerprint
    assert from_file(key_file).fingerprint() == fingerprint
    assert mode_of(key_file) == 0o600


def test_add_key_keeps_comments_and_header_on_top(tmp_path):
    path = tmp_path / "keys"
    old = generate_key()
    path.write_text(f"# practice keys\n{old}  # first key\n")
    path.chmod(0o600)
    add_key_to_file(path)
    lines = path.read_text().splitlines()
    assert lines[0] == "# practice keys"
    assert lines[2] == f"{old}  # first key"


def test_retire_keeps_the_newest_keys_and_old_values_stop_decrypting(key_file):
    old_token = from_file(key_file).encrypt("old")
    (oldest,) = key_lines(key_file)
    add_key_to_file(key_file)
    add_key_to_file(key_file)
    newest, middle, _ = key_lines(key_file)
    current_token = from_file(key_file).encrypt("current")

    assert retire_old_keys(key_file, keep=2) == [key_fingerprint(oldest)]
    assert key_lines(key_file) == [newest, middle]
    assert retire_old_keys(key_file) == [key_fingerprint(middle)]
    assert key_lines(key_file) == [newest]
    assert mode_of(key_file) == 0o600

    remaining = from_file(key_file)
    assert remaining.decrypt(current_token) == "current"
    with pytest.raises(DecryptionError):
        remaining.decrypt(old_token)


def test_retire_with_nothing_to_drop_leaves_the_file_alone(key_file):
    before = key_file.read_text()
    assert retire_old_keys(key_file, keep=3) == []
    assert key_file.read_text() == before


def test_retire_refuses_to_keep_no_keys(key_file):
    with pytest.raises(ValueError, match="at least 1"):
        retire_old_keys(key_file, keep=0)


def test_create_key_file_makes_a_0600_file_with_one_key(tmp_path):
    path = tmp_path / "keys"
    fingerprint = create_key_file(path)
    (key,) = key_lines(path)
    assert mode_of(path) == 0o600
    assert key_fingerprint(key) == fingerprint
    assert from_file(path).fingerprint() == fingerprint


def test_create_key_file_refuses_to_overwrite(key_file):
    before = key_file.read_text()
    with pytest.raises(KeyConfigurationError, match="already exists"):
        create_key_file(key_file)
    assert key_file.read_text() == before


def test_rewriting_through_a_symlink_updates_the_real_file(key_file, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(key_file)
    add_key_to_file(link)
    assert link.is_symlink()
    assert len(key_lines(key_file)) == 2


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o700])
def test_key_file_wider_than_0600_is_refused_with_the_fix(key_file, mode):
    key_file.chmod(mode)
    with pytest.raises(KeyConfigurationError) as caught:
        from_file(key_file)
    message = str(caught.value)
    assert f"{mode:04o}" in message
    assert f"chmod 600 {key_file}" in message


def test_rotation_steps_refuse_a_key_file_wider_than_0600(key_file):
    key_file.chmod(0o644)
    before = key_file.read_text()
    for step in (add_key_to_file, retire_old_keys):
        with pytest.raises(KeyConfigurationError, match="chmod 600"):
            step(key_file)
    assert key_file.read_text() == before


def test_owner_read_only_key_file_is_accepted(key_file):
    key_file.chmod(0o400)
    assert from_file(key_file).fingerprint() == key_fingerprint(key_lines(key_file)[0])


def test_missing_key_file_is_reported(tmp_path):
    path = tmp_path / "absent"
    with pytest.raises(KeyConfigurationError, match=f"key file {path} cannot be read"):
        from_file(path)


def test_directory_as_key_file_is_reported(tmp_path):
    with pytest.raises(KeyConfigurationError, match="cannot be read"):
        from_file(tmp_path)


def test_key_file_with_only_comments_is_reported(tmp_path):
    path = tmp_path / "keys"
    path.write_text("# nothing yet\n\n")
    path.chmod(0o600)
    with pytest.raises(KeyConfigurationError, match="holds no keys"):
        from_file(path)


def test_bad_key_in_file_names_the_line_and_hides_the_key(tmp_path):
    path = tmp_path / "keys"
    bad = generate_key()[:-5] + "!!!!="
    path.write_text(f"# header\n{generate_key()}\n\n{bad}\n")
    path.chmod(0o600)
    with pytest.raises(KeyConfigurationError) as caught:
        from_file(path)
    message = str(caught.value)
    assert f"key file {path}, line 4" in message
    assert "not a valid Fernet key" in message
    assert bad not in message
    assert bad[:20] not in message


def test_key_file_comments_blank_lines_and_crlf_are_allowed(tmp_path):
    path = tmp_path / "keys"
    newest, older = generate_key(), generate_key()
    path.write_text(f"# keys\r\n\r\n{newest}   # 2025\r\n# retired soon\r\n{older}\r\n")
    path.chmod(0o600)
    keys = from_file(path)
    assert keys.fingerprint() == key_fingerprint(newest)
    assert keys.decrypt(ring(older).encrypt("kept")) == "kept"


def test_env_value_with_spaces_newlines_and_trailing_comma():
    newest, older = generate_key(), generate_key()
    keys = load_keys(env_value=f"  {newest} ,\n {older},\n", key_file=None)
    assert keys.fingerprint() == key_fingerprint(newest)
    assert keys.decrypt(ring(older).encrypt("from the old key")) == "from the old key"


@pytest.mark.parametrize("value", ["", "   ", " , \n,"])
def test_empty_env_value_is_reported_with_the_variable_name(value):
    with pytest.raises(KeyConfigurationError, match="STRIDES_KEYS is empty"):
        load_keys(env_value=value, key_file=None, env_name="STRIDES_KEYS")


def test_bad_key_in_env_names_the_position_and_hides_the_key():
    bad = "x" * 30
    with pytest.raises(KeyConfigurationError) as caught:
        load_keys(env_value=f"{generate_key()},{bad}", key_file=None, env_name="STRIDES_KEYS")
    message = str(caught.value)
    assert "STRIDES_KEYS, key 2" in message
    assert bad not in message


def test_no_key_source_is_reported():
    with pytest.raises(KeyConfigurationError, match="no encryption keys configured"):
        load_keys(env_value=None, key_file=None)


def test_two_key_sources_are_refused(key_file):
    with pytest.raises(KeyConfigurationError, match="configure exactly one"):
        load_keys(env_value=generate_key(), key_file=key_file)


def test_fingerprint_is_short_stable_and_not_the_key():
    key = generate_key()
    keys = ring(key, generate_key())
    assert keys.fingerprint() == key_fingerprint(key) == ring(key).fingerprint()
    assert re.fullmatch(r"[0-9a-f]{8}", keys.fingerprint())


def test_repr_shows_no_key_material():
    key = generate_key()
    shown = repr(ring(key, generate_key()))
    assert shown == f"KeyRing(keys=2, primary={key_fingerprint(key)})"


def test_generated_keys_are_distinct_and_usable():
    first, second = generate_key(), generate_key()
    assert first != second
    assert ring(first).decrypt(ring(first).encrypt("ok")) == "ok"


def test_empty_key_ring_is_refused():
    with pytest.raises(KeyConfigurationError, match="holds no keys"):
        KeyRing([])


def test_key_file_created_under_a_permissive_umask_is_still_0600(tmp_path):
    previous = os.umask(0)
    try:
        create_key_file(tmp_path / "keys")
    finally:
        os.umask(previous)
    assert mode_of(tmp_path / "keys") == 0o600


def test_importing_the_module_does_not_load_django():
    code = "import sys, strides.lib.encryption; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
