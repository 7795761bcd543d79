from django.shortcuts import render

from partner_center.roles import seller_required


@seller_required
def pool(request):
    return render(request, "leads/pool.html", {})
