from django.shortcuts import render

from partner_center.roles import creator_required


@creator_required
def partner_list(request):
    return render(request, "creators/partner_list.html", {})


def my_requests(request):
    return render(request, "base.html", {})
