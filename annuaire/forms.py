"""The « where » part of a search: a place typed by the person, a position, a radius, a page."""

from django import forms

from structures.validators import INSEE_CODE_PATTERN

RADIUS_CHOICES = [(5, "5 km"), (10, "10 km"), (20, "20 km"), (50, "50 km")]
DEFAULT_RADIUS_KM = 20


def coordinate_field(name, limit, help_text):
    out_of_range = f"La {name} doit être comprise entre -{limit} et {limit}."
    return forms.FloatField(
        required=False,
        min_value=-limit,
        max_value=limit,
        widget=forms.HiddenInput,
        help_text=help_text,
        error_messages={
            "invalid": f"La {name} doit être un nombre.",
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Commune, code postal ou nom d'une structure",
        required=False,
        max_length=100,
        strip=True,
        help_text="Commune, code postal, département ou nom de structure.",
        error_messages={"max_length": "Votre recherche est trop longue (100 caractères au plus)."},
    )
    commune = forms.RegexField(
        required=False,
        regex=INSEE_CODE_PATTERN,
        widget=forms.HiddenInput,
        help_text="Code INSEE d'une commune de la région.",
        error_messages={"invalid": "Code de commune invalide."},
    )
    lat = coordinate_field("latitude", 90, "Latitude d'une position (avec lon).")
    lon = coordinate_field("longitude", 180, "Longitude d'une position (avec lat).")
    rayon = forms.TypedChoiceField(
        label="Dans un rayon de",
        required=False,
        choices=RADIUS_CHOICES,
        coerce=int,
        empty_value=DEFAULT_RADIUS_KM,
        help_text=f"Rayon autour du lieu, en km ({DEFAULT_RADIUS_KM} par défaut).",
        error_messages={"invalid_choice": "Rayon inconnu : « %(value)s ». Choisissez 5, 10, 20 ou 50 km."},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        widget=forms.HiddenInput,
        help_text="Page des résultats autour d'un lieu.",
        error_messages={
            "invalid": "Le numéro de page doit être un nombre entier.",
            "min_value": "Le numéro de page doit être 1 ou plus.",
            "max_value": "Ce numéro de page n'existe pas.",
        },
    )

    def __init__(self, data=None, *args, **kwargs):
        # Without « rayon » in the address, the list still shows the radius actually used.
        if data is not None and not data.get("rayon"):
            data = data.copy()
            data["rayon"] = str(DEFAULT_RADIUS_KM)
        super().__init__(data, *args, **kwargs)

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) and not self.has_error("lat") and not self.has_error("lon"):
            raise forms.ValidationError("Indiquez la latitude et la longitude ensemble.")
        data["page"] = data.get("page") or 1
        return data

    @property
    def position(self):
        lat, lon = self.cleaned_data.get("lat"), self.cleaned_data.get("lon")
        return (lat, lon) if lat is not None and lon is not None else None
