from django.shortcuts import render

from partner_center.roles import creator_required, seller_required


@seller_required
def inbox(request):
    return render(request, "im/inbox.html", {})


@seller_required
def notification_list(request):
    return render(request, "base.html", {})


@creator_required
def creator_inbox(request):
    return render(request, "base.html", {})


@creator_required
def creator_thread_start(request, partner_id):
    return render(request, "base.html", {})
