"""Import and export of structures and reception points."""

from structures.enums import Accessibility, GeoPrecision, LabelStatus, PointKind, PublicationStatus
from structures.imports.base import DirectoryResource, column, default_of
from structures.imports.cells import (
    BooleanWidget,
    ChoiceWidget,
    CodeWidget,
    CommuneWidget,
    DateWidget,
    DecimalDegreesWidget,
    LookupListWidget,
    LookupWidget,
    PhoneWidget,
)
from structures.imports.limits import FileProblem
from structures.models import (
    Commune,
    Department,
    Epci,
    Network,
    Public,
    ReceptionPoint,
    ServiceLevel,
    Structure,
)


class StructureResource(DirectoryResource):
    identifiant = column("slug", "identifiant", example="cio-de-vienne")
    nom = column("name", "nom", example="CIO de Vienne")
    reseau = column(
        "network",
        "reseau",
        LookupWidget(Network, "slug", "Réseau inconnu", "Indiquez le réseau (par exemple mission-locale)."),
    )
    description = column("description", "description", example="Information et conseil en orientation, gratuits.")
    siret = column("siret", "siret", CodeWidget(14))
    site_internet = column("website", "site_internet", example="https://www.exemple.fr")
    telephone = column("phone", "telephone", PhoneWidget())
    courriel = column("email", "courriel", example="contact@exemple.fr")
    niveaux = column("levels", "niveaux", LookupListWidget(ServiceLevel, "slug", "Niveau de service inconnu"))
    publics = column("publics", "publics", LookupListWidget(Public, "slug", "Public inconnu"))
    departements_competence = column(
        "competence_departments", "departements_competence", LookupListWidget(Department, "code", "Département inconnu")
    )
    intercommunalites_competence = column(
        "competence_epcis",
        "intercommunalites_competence",
        LookupListWidget(Epci, "code", "Intercommunalité inconnue (numéro SIREN de l'EPCI)"),
    )
    communes_competence = column(
        "competence_communes",
        "communes_competence",
        LookupListWidget(Commune, "insee_code", "Code INSEE inconnu dans la région"),
    )
    communes_retirees = column(
        "excluded_communes",
        "communes_retirees",
        LookupListWidget(Commune, "insee_code", "Code INSEE inconnu dans la région (communes retirées)"),
    )
    statut_label = column("label_status", "statut_label", ChoiceWidget(LabelStatus, LabelStatus.NOT_APPLICABLE))
    label_debut = column("label_start", "label_debut", DateWidget())
    label_fin = column("label_end", "label_fin", DateWidget())
    statut = column("status", "statut", ChoiceWidget(PublicationStatus, default_of(Structure, "status")))
    derniere_verification = column("last_verified_on", "derniere_verification", DateWidget())
    demo = column("is_demo", "demo", BooleanWidget(blank=False))
    source = column("source", "source", example="Fiche transmise par le réseau en mars 2026")
    date_source = column("source_date", "date_source", DateWidget())

    required_columns = ("identifiant", "nom", "reseau")
    key_columns = ("identifiant",)

    class Meta(DirectoryResource.Meta):
        model = Structure
        import_id_fields = ["identifiant"]
        fields = [
            "identifiant",
            "nom",
            "reseau",
            "description",
            "siret",
            "site_internet",
            "telephone",
            "courriel",
            "niveaux",
            "publics",
            "departements_competence",
            "intercommunalites_competence",
            "communes_competence",
            "communes_retirees",
            "statut_label",
            "label_debut",
            "label_fin",
            "statut",
            "derniere_verification",
            "demo",
            "source",
            "date_source",
        ]

    def get_queryset(self):
        # Existing records are loaded with their relations: comparing an unchanged row costs no query.
        return self.filter_export(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("network").prefetch_related(
            "levels",
            "publics",
            "competence_departments",
            "competence_epcis",
            "competence_communes",
            "excluded_communes",
        )


class ReceptionPointResource(DirectoryResource):
    identifiant = column("slug", "identifiant", example="cio-de-vienne")
    structure = column(
        "structure",
        "structure",
        LookupWidget(Structure, "slug", "Structure inconnue", "Indiquez la structure (son identifiant)."),
    )
    nom = column("name", "nom", example="CIO de Vienne")
    type = column("kind", "type", ChoiceWidget(PointKind, PointKind.MAIN))
    structure_hote = column(
        "host_structure", "structure_hote", LookupWidget(Structure, "slug", "Structure d'accueil inconnue")
    )
    lieu_hote = column("host_name", "lieu_hote", example="Mairie")
    adresse = column("address", "adresse", example="12 rue de la République")
    complement_adresse = column("address_complement", "complement_adresse", example="2e étage")
    code_postal = column("postal_code", "code_postal", CodeWidget(5), example="38200")
    commune_insee = column("commune", "commune_insee", CommuneWidget(Commune), example="38544")
    commune = column("commune__name", "commune", readonly=True, example="Vienne")
    latitude = column("latitude", "latitude", DecimalDegreesWidget(), example="45,5241")
    longitude = column("longitude", "longitude", DecimalDegreesWidget(), example="4,8765")
    precision_position = column("geo_precision", "precision_position", ChoiceWidget(GeoPrecision, GeoPrecision.EXACT))
    telephone = column("phone", "telephone", PhoneWidget())
    courriel = column("email", "courriel", example="contact@exemple.fr")
    sans_rdv = column("walk_in", "sans_rdv", BooleanWidget(blank=default_of(ReceptionPoint, "walk_in")))
    sur_rdv = column("by_appointment", "sur_rdv", BooleanWidget(blank=default_of(ReceptionPoint, "by_appointment")))
    modalites_rdv = column("appointment_details", "modalites_rdv", example="Par téléphone, du lundi au vendredi")
    sur_place = column("on_site", "sur_place", BooleanWidget(blank=default_of(ReceptionPoint, "on_site")))
    par_telephone = column("by_phone", "par_telephone", BooleanWidget(blank=default_of(ReceptionPoint, "by_phone")))
    en_visio = column("by_video", "en_visio", BooleanWidget(blank=default_of(ReceptionPoint, "by_video")))
    accessibilite = column("accessibility", "accessibilite", ChoiceWidget(Accessibility, Accessibility.UNKNOWN))
    precisions_accessibilite = column(
        "accessibility_details", "precisions_accessibilite", example="Entrée de plain-pied"
    )
    publics = column("publics", "publics", LookupListWidget(Public, "slug", "Public inconnu"))
    niveaux = column("levels", "niveaux", LookupListWidget(ServiceLevel, "slug", "Niveau de service inconnu"))
    publie = column("is_published", "publie", BooleanWidget(blank=default_of(ReceptionPoint, "is_published")))
    derniere_verification = column("last_verified_on", "derniere_verification", DateWidget())
    demo = column("is_demo", "demo", BooleanWidget(blank=False))
    source = column("source", "source", example="Fiche transmise par le réseau en mars 2026")
    date_source = column("source_date", "date_source", DateWidget())
    identifiant_annuaire = column("dila_id", "identifiant_annuaire")

    required_columns = ("identifiant", "structure", "nom", "code_postal")
    key_columns = ("identifiant",)

    class Meta(DirectoryResource.Meta):
        model = ReceptionPoint
        import_id_fields = ["identifiant"]
        fields = [
            "identifiant",
            "structure",
            "nom",
            "type",
            "structure_hote",
            "lieu_hote",
            "adresse",
            "complement_adresse",
            "code_postal",
            "commune_insee",
            "commune",
            "latitude",
            "longitude",
            "precision_position",
            "telephone",
            "courriel",
            "sans_rdv",
            "sur_rdv",
            "modalites_rdv",
            "sur_place",
            "par_telephone",
            "en_visio",
            "accessibilite",
            "precisions_accessibilite",
            "publics",
            "niveaux",
            "publie",
            "derniere_verification",
            "demo",
            "source",
            "date_source",
            "identifiant_annuaire",
        ]

    def check_file(self, dataset):
        super().check_file(dataset)
        if not {"commune_insee", "commune"} & set(dataset.headers):
            raise FileProblem(
                "Colonne obligatoire absente : « commune_insee » (code INSEE) ou, à défaut, « commune » (nom)."
            )

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            # Without coordinates, the point is placed at its commune, and says so; with coordinates
            # and no precision given, they are the place's own.
            if (instance.latitude is None or instance.longitude is None) and instance.commune_id:
                instance.latitude, instance.longitude = instance.commune.latitude, instance.commune.longitude
                instance.geo_precision = GeoPrecision.COMMUNE
            elif row.get("latitude") not in (None, "") and not str(row.get("precision_position") or "").strip():
                instance.geo_precision = GeoPrecision.EXACT

    def get_queryset(self):
        return self.filter_export(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("structure", "host_structure", "commune").prefetch_related("publics", "levels")
