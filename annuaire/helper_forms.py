from django import forms

from annuaire.helper import QUESTIONS

STEPS = len(QUESTIONS) + 1


class HelperForm(forms.Form):
    """The answers so far; unknown values get a French message rather than an error page."""

    etape = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=STEPS,
        error_messages={
            "invalid": "Étape inconnue.",
            "min_value": "Étape inconnue.",
            "max_value": "Étape inconnue.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question, choices in QUESTIONS:
            self.fields[name] = forms.ChoiceField(
                label=question,
                choices=choices,
                required=False,
                error_messages={"invalid_choice": "Réponse inconnue : « %(value)s ». Choisissez dans la liste."},
            )
