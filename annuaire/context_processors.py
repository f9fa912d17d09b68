from structures.models import ReceptionPoint


def site(request):
    """Values every page layout needs."""
    # The demo warning is shown as long as demo places are visible to the public.
    return {"demo_data_shown": ReceptionPoint.objects.published().demo().exists()}
