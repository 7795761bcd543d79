from django.shortcuts import render

from partner_center.roles import seller_required


@seller_required
def inbox(request):
    return render(request, "im/inbox.html", {})


def creator_inbox(request):
    return render(request, "base.html", {})


def notification_list(request):
    return render(request, "base.html", {})
