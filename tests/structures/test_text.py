import pytest

from structures.text import normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("saint etienne", "saint etienne"),
        ("St-Étienne", "saint etienne"),
        ("ST ETIENNE", "saint etienne"),
        ("Ste-Foy-lès-Lyon", "sainte foy les lyon"),
        ("L'Abergement-Clémenciat", "l abergement clemenciat"),
        ("Le Puy-en-Velay", "le puy en velay"),
        ("  Bourg   en  Bresse ", "bourg en bresse"),
        ("Œuvre — Cœur", "oeuvre coeur"),
        ("Vaulx-en-Velin (69120)", "vaulx en velin 69120"),
        ("Stella", "stella"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected
