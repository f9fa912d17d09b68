"""HTTP side of open data: validators and caching, rate limits, keyset pagination, streamed exports.

Caching. Every answer carries an ETag and a Last-Modified computed from the data's last change
(structures.models.DataVersion, stamped on every save) and from the last change of visibility
that dates alone cause (a label that started or ended, a closure that ended): a label ending at
midnight changes what is public without anyone saving anything. Conditional requests get 304
through Django's own `condition` decorator. Answers that depend on the minute (« ouvert
maintenant ») are validated per minute and carry no Last-Modified.
"""

import base64
import csv
import hashlib
import json
from datetime import datetime, time, timedelta
from functools import wraps
from itertools import islice

from django import forms
from django.conf import settings
from django.db.models import Max, Q
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_safe
from django_ratelimit.core import is_ratelimited

from annuaire.caching import data_version, opening_period, shared_cache
from annuaire.filters import YES_VALUES, PointFilterSet, StructureFilterSet
from annuaire.forms import SearchForm
from annuaire.mapping import MapForm
from spro_site.cache import get_or_compute, guarded
from spro_site.client import client_key
from structures.enums import LabelStatus
from structures.imports.files import neutralise
from structures.models import Closure, Structure

# Changes whenever the shape of an answer changes, so that no client keeps an old one.
SHAPE_VERSION = "1"
JSON_OPTIONS = {"ensure_ascii": False}
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
CHUNK_SIZE = 1000
SEPARATORS = {"virgule": ",", "point-virgule": ";"}
# In a CSV cell, the items of a list (publics, levels…).
CSV_LIST_SEPARATOR = ","


def json_error(message, status, errors=None):
    return JsonResponse(
        {"error": message, "errors": errors or [message]}, status=status, json_dumps_params=JSON_OPTIONS
    )


# --- Validators --------------------------------------------------------------------------------


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def visibility_changed_at(today):
    """Start of the last day on which dates alone changed what the public sees (a label starting,
    the day after a label or a closure ended)."""
    labels = Structure.objects.filter(label_status=LabelStatus.GRANTED).aggregate(
        started=Max("label_start", filter=Q(label_start__lte=today)),
        ended=Max("label_end", filter=Q(label_end__lt=today)),
    )
    closure_ended = Closure.objects.filter(ends_on__lt=today).aggregate(ended=Max("ends_on"))["ended"]
    days = [labels["started"]] + [day + timedelta(days=1) for day in (labels["ended"], closure_ended) if day]
    days = [day for day in days if day]
    return _midnight(max(days)) if days else None


def opening_dependent(request):
    """« ouvert=1 »: the answer changes at the next opening or closing time (annuaire.caching.opening_period)."""
    return request.GET.get("ouvert", "").lower() in YES_VALUES


def validators(request):
    """(etag, last_modified) of the answer to this request, computed once per request."""
    if not hasattr(request, "_open_data_validators"):
        serial, changed = data_version(request)
        today = timezone.localdate()
        key = f"opendata-visibility:{serial}:{today.isoformat()}"
        visibility = get_or_compute(key, lambda: visibility_changed_at(today), 3600)
        last_modified = max(filter(None, [changed, visibility]))
        parts = [SHAPE_VERSION, str(serial), today.isoformat(), request.get_full_path()]
        if opening_dependent(request):
            parts.append(opening_period(request))
            last_modified = None
        etag = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
        request._open_data_validators = (f'"{etag}"', last_modified)
    return request._open_data_validators


def _etag(request, *args, **kwargs):
    return validators(request)[0]


def _last_modified(request, *args, **kwargs):
    return validators(request)[1]


# --- Rate limits --------------------------------------------------------------------------------


def client_address(group, request):
    """The key of the API's rate limits (django-ratelimit's key signature): spro_site.client."""
    return client_key(request)


def _rate(setting):
    return lambda group, request: getattr(settings, setting)


RATE_UNITS = {"s": ("seconde", 1), "m": ("minute", 60), "h": ("heure", 3600), "d": ("jour", 86400)}


def rate_label(rate):
    """« 120/m » → « 120 requêtes par minute » (for the documentation page)."""
    count, _, period = rate.partition("/")
    multiple, unit = period[:-1], period[-1:]
    name = RATE_UNITS.get(unit, ("minute", 60))[0]
    if multiple:
        return f"{count} requêtes en {multiple} {name}s"
    return f"{count} requêtes par {name}"


def too_many_requests():
    response = json_error(
        "Trop de requêtes depuis votre adresse : attendez une minute avant de reprendre. "
        "Pour tout récupérer d'un coup, utilisez les exports complets (voir /donnees/).",
        status=429,
    )
    response["Retry-After"] = "60"
    return response


def open_data(export=False):
    """Decorator of every open-data view: GET or HEAD only, rate-limited per client address,
    conditional (ETag, Last-Modified, 304) and cacheable by anyone for API_MAX_AGE seconds."""
    setting = "API_EXPORT_RATE_LIMIT" if export else "API_RATE_LIMIT"

    def decorator(view):
        cached = shared_cache(view, params=API_PARAMETERS)
        conditional = condition(etag_func=_etag, last_modified_func=_last_modified)(cached)

        @require_safe
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            group = "api-export" if export else "api"
            # An unreachable cache server lets the request through rather than failing it.
            limited = guarded(
                lambda: is_ratelimited(request, group=group, key=client_address, rate=_rate(setting), increment=True)
            )
            if limited:
                return too_many_requests()
            response = conditional(request, *args, **kwargs)
            if response.status_code in (200, 304):
                max_age = 60 if opening_dependent(request) else settings.API_MAX_AGE
                patch_cache_control(response, public=True, max_age=max_age)
            else:
                # An error is not a version of the data: nothing to revalidate.
                for header in ("ETag", "Last-Modified"):
                    response.headers.pop(header, None)
                patch_cache_control(response, no_cache=True)
            return response

        return wrapper

    return decorator


# --- Keyset pagination ---------------------------------------------------------------------------


class CursorError(ValueError):
    pass


def encode_cursor(pk):
    return base64.urlsafe_b64encode(f"v1:{pk}".encode()).decode().rstrip("=")


def decode_cursor(value):
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        prefix, pk = raw.split(":")
        if prefix != "v1" or not pk.isdigit():
            raise ValueError
        return int(pk)
    except ValueError as error:
        raise CursorError("Curseur invalide : reprenez le lien « next » de la page précédente.") from error


class ListingForm(forms.Form):
    """Where a listing resumes (the `next` link's cursor) and how many items a page holds."""

    curseur = forms.CharField(
        required=False, max_length=100, help_text="Où reprendre : à prendre dans le lien « next »."
    )
    par_page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=f"Nombre d'éléments par page ({DEFAULT_PAGE_SIZE} par défaut).",
        error_messages={
            "invalid": "« par_page » doit être un nombre entier.",
            "min_value": "« par_page » doit être 1 ou plus.",
            "max_value": f"« par_page » vaut au plus {MAX_PAGE_SIZE}.",
        },
    )

    def clean_curseur(self):
        value = self.cleaned_data["curseur"]
        if not value:
            return None
        try:
            return decode_cursor(value)
        except CursorError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_par_page(self):
        return self.cleaned_data["par_page"] or DEFAULT_PAGE_SIZE


def form_errors(form):
    return [message for messages in form.errors.values() for message in messages]


def keyset_page(queryset, after, size):
    """The `size` items after the one with primary key `after`, in primary-key order, and
    whether more follow. Unlike page numbers, a record added or removed meanwhile never makes a
    reuser see an item twice or miss one."""
    if after is not None:
        queryset = queryset.filter(pk__gt=after)
    items = list(queryset.order_by("pk")[: size + 1])
    return items[:size], len(items) > size


def next_link(request, url, last_pk):
    params = request.GET.copy()
    params["curseur"] = encode_cursor(last_pk)
    return request.build_absolute_uri(f"{url}?{params.urlencode()}")


# --- Streamed exports ----------------------------------------------------------------------------


# Items written at once: a streamed chunk of some tens of KB rather than one per item.
ITEMS_PER_CHUNK = 100


# The exports' JSON: compact, accents as they are.
encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def stream_json_array(prefix, items, suffix):
    """`prefix` + items as a JSON array + `suffix`, written a hundred items at a time (bounded memory)."""
    items = iter(items)
    yield prefix + "[" + ",".join(map(encode_json, islice(items, ITEMS_PER_CHUNK)))
    while chunk := list(islice(items, ITEMS_PER_CHUNK)):
        yield "," + ",".join(map(encode_json, chunk))
    yield "]" + suffix


JSON = "application/json; charset=utf-8"


def json_stream_response(items, content_type=JSON, prefix="", suffix=""):
    return StreamingHttpResponse(stream_json_array(prefix, items, suffix), content_type=content_type)


GEOJSON = "application/geo+json; charset=utf-8"
# A GeoJSON answer around its array of features.
GEOJSON_START, GEOJSON_END = '{"type":"FeatureCollection","features":', "}"


def geojson_response(features):
    return json_stream_response(features, GEOJSON, GEOJSON_START, GEOJSON_END)


class _Echo:
    def write(self, value):
        return value


def _csv_boolean(value):
    return "" if value is None else ("true" if value else "false")


def _csv_list(value):
    return "" if value is None else CSV_LIST_SEPARATOR.join(str(item) for item in value)


def _csv_number(value):
    return "" if value is None else value


# A CSV cell from a field's value, by the field's type; text a spreadsheet would run as a formula
# is written behind a space (structures.imports.files.neutralise).
CSV_CELLS = {"boolean": _csv_boolean, "array": _csv_list, "integer": _csv_number, "number": _csv_number}


def _csv_writer(separator):
    return csv.writer(_Echo(), delimiter=separator, lineterminator="\r\n")


def csv_header(shape, separator=","):
    """The first line: UTF-8's byte order mark (spreadsheets then read accents right), the columns."""
    return "\ufeff" + _csv_writer(separator).writerow(shape.columns)


def csv_line(shape, separator=","):
    """A function that writes a record's line: (record, context) → text."""
    writer = _csv_writer(separator)
    cells = [(field.get, CSV_CELLS.get(field.type, neutralise)) for field in shape.fields]
    return lambda record, context: writer.writerow([cell(get(record, context)) for get, cell in cells])


def csv_stream_response(chunks, filename):
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(records, shape, shape_context, filename, separator=","):
    """The `shape` of each record, one per line, under a header row."""
    line = csv_line(shape, separator)

    def lines():
        yield csv_header(shape, separator)
        records_left = iter(records)
        while chunk := list(islice(records_left, ITEMS_PER_CHUNK)):
            yield "".join(line(record, shape_context) for record in chunk)

    return csv_stream_response(lines(), filename)


class CsvForm(forms.Form):
    separateur = forms.ChoiceField(
        required=False,
        choices=[(key, key) for key in SEPARATORS],
        help_text="Séparateur des colonnes (virgule par défaut).",
        error_messages={
            "invalid_choice": "Séparateur inconnu : « %(value)s ». Choisissez « virgule » ou « point-virgule »."
        },
    )

    def clean_separateur(self):
        return SEPARATORS[self.cleaned_data["separateur"] or "virgule"]


# Every query parameter an open-data view reads: an answer to a request with any other is not
# stored in the shared cache (annuaire.caching).
API_PARAMETERS = {
    *SearchForm.base_fields,
    *PointFilterSet.base_filters,
    *StructureFilterSet.base_filters,
    *ListingForm.base_fields,
    *CsvForm.base_fields,
    *MapForm.base_fields,
}
