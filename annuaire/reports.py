"""« Signaler une erreur »: an anonymous form, protected against spam without a third-party captcha.

- a field hidden from people (« honeypot »): robots fill it, and their report is dropped;
- a signed, single-use token: a form sent back within seconds, or days later, is refused, and so is
  a token already used (its random part is remembered in the cache until it expires);
- a rate limit per network address, counted in the cache only, on a salted hash of the address
  (the address itself is never stored anywhere).
"""

import hashlib

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.crypto import get_random_string
from django_ratelimit.core import is_ratelimited

from spro_site.cache import guarded, shared_or_local
from spro_site.client import client_key

MIN_SECONDS = 3
MAX_AGE_SECONDS = 24 * 3600
REPORTS_PER_HOUR = 5
SIGNING_SALT = "annuaire.reports"


class ErrorReportForm(forms.Form):
    message = forms.CharField(
        label="Qu'est-ce qui est inexact ou manque sur cette fiche ?",
        help_text="Par exemple : horaires changés, lieu fermé, numéro de téléphone qui ne répond pas. "
        "N'écrivez pas de données personnelles (nom, téléphone, adresse électronique).",
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Décrivez l'erreur en quelques mots.",
            "min_length": "Décrivez l'erreur en quelques mots (10 caractères au moins).",
            "max_length": "Votre message est trop long (1 000 caractères au plus).",
        },
    )
    # The honeypot: hidden from people by CSS and from assistive technologies.
    site_web = forms.CharField(required=False, label="Ne pas remplir ce champ")
    jeton = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["jeton"] = new_token()

    def clean_jeton(self):
        signer = signing.TimestampSigner(salt=SIGNING_SALT)
        try:
            token = signer.unsign_object(self.cleaned_data["jeton"], max_age=MAX_AGE_SECONDS)
        except signing.SignatureExpired as error:
            raise forms.ValidationError("Le formulaire a expiré : rechargez la page et recommencez.") from error
        except (signing.BadSignature, ValueError) as error:
            raise forms.ValidationError("Le formulaire n'est pas valide : rechargez la page et recommencez.") from error
        if not isinstance(token, dict) or not isinstance(token.get("n"), str):
            raise forms.ValidationError("Le formulaire n'est pas valide : rechargez la page et recommencez.")
        try:
            signer.unsign_object(self.cleaned_data["jeton"], max_age=MIN_SECONDS)
        except signing.SignatureExpired:
            return token["n"]
        raise forms.ValidationError("Le formulaire a été envoyé trop vite : relisez votre message et renvoyez-le.")

    def use_token(self):
        """Mark the token as used; False if it already was (the same form posted again). While the
        cache server is unreachable, this process remembers the tokens itself."""
        return shared_or_local("add", f"report-token:{self.cleaned_data['jeton']}", 1, MAX_AGE_SECONDS)

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("site_web"))


def new_token():
    """A signed timestamp with a random part, issued with each form."""
    return signing.TimestampSigner(salt=SIGNING_SALT).sign_object({"n": get_random_string(20)})


def sender(group, request):
    """The key the rate limit counts: a salted hash of the sender's address, never the address."""
    address = client_key(request)
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def rate_limited(request):
    """Count this report for the sender's address (django-ratelimit, in the cache only); True when
    over the hourly limit. An unreachable cache server lets the report through."""
    return bool(
        guarded(
            lambda: is_ratelimited(
                request, group="error-report", key=sender, rate=f"{REPORTS_PER_HOUR}/h", increment=True
            )
        )
    )
