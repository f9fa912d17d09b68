"""« Signaler une erreur »: an anonymous form, protected against spam without a third-party captcha.

- a field hidden from people (« honeypot »): robots fill it, and their report is dropped;
- a signed timestamp: a form sent back within seconds, or days later, is refused;
- a rate limit per network address, counted in the cache only, on a salted hash of the address
  (the address itself is never stored anywhere).
"""

import hashlib

from django import forms
from django.conf import settings
from django.core import signing
from django_ratelimit.core import is_ratelimited

from spro_site.cache import guarded

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
            self.initial["jeton"] = signing.TimestampSigner(salt=SIGNING_SALT).sign("formulaire")

    def clean_jeton(self):
        signer = signing.TimestampSigner(salt=SIGNING_SALT)
        try:
            signer.unsign(self.cleaned_data["jeton"], max_age=MAX_AGE_SECONDS)
        except signing.SignatureExpired as error:
            raise forms.ValidationError("Le formulaire a expiré : rechargez la page et recommencez.") from error
        except signing.BadSignature as error:
            raise forms.ValidationError("Le formulaire n'est pas valide : rechargez la page et recommencez.") from error
        try:
            signer.unsign(self.cleaned_data["jeton"], max_age=MIN_SECONDS)
        except signing.SignatureExpired:
            return self.cleaned_data["jeton"]
        raise forms.ValidationError("Le formulaire a été envoyé trop vite : relisez votre message et renvoyez-le.")

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("site_web"))


def sender(group, request):
    """The key the rate limit counts: a salted hash of the sender's address, never the address."""
    address = request.META.get("REMOTE_ADDR", "")
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
