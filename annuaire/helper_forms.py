from django import forms

from annuaire.helper import QUESTIONS, SEVERAL

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
            field = forms.MultipleChoiceField if name in SEVERAL else forms.ChoiceField
            self.fields[name] = field(
                label=question,
                choices=choices,
                required=False,
                error_messages={"invalid_choice": "Réponse inconnue : « %(value)s ». Choisissez dans la liste."},
            )

    def answers(self):
        """The answers given (valid form): one value per question, a set for those that take several."""
        return {
            name: frozenset(self.cleaned_data[name]) if name in SEVERAL else self.cleaned_data[name]
            for name, _, _ in QUESTIONS
        }
