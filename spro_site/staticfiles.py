"""Static files as production serves them: the project's own style sheets and scripts minified,
then every file fingerprinted and compressed by WhiteNoise (docs/adr/0016).

Only `css/` and `js/` are minified: the vendored libraries (Leaflet, topojson-client) come
minified by their authors. Minifying happens when collectstatic writes a file (its copy and its
fingerprinted copy); the fingerprint is computed from the source, so it changes with every change
of the source. rcssmin and rjsmin only remove comments and spaces: names are kept, the code is
not rewritten.
"""

import rcssmin
import rjsmin
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}
OWN_FOLDERS = ("css/", "js/")


def minifier(name):
    """The minifier for the file `name` (a path inside the static folder), or None."""
    if not name.startswith(OWN_FOLDERS):
        return None
    return next((minify for suffix, minify in MINIFIERS.items() if name.endswith(suffix)), None)


class MinifiedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def _save(self, name, content):
        minify = minifier(name)
        if minify is not None:
            content.seek(0)
            content = ContentFile(minify(content.read().decode("utf-8")).encode("utf-8"))
        return super()._save(name, content)
