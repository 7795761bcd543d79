"""`{% cached_pool_row lead %}…{% end_cached_pool_row %}`: the pool page's rows served from
the row cache while nothing they show can differ (`leads/row_cache.py` says what a row
depends on). Inside the page's `{% for lead in page.object_list %}`, the first row looks up
every row of the page in one round trip to the cache; a row not found renders as before and
is stored."""

from django import template
from django.utils.safestring import mark_safe

from ..row_cache import row_cache_fill, row_cache_set, rows_cached

register = template.Library()


class CachedPoolRowNode(template.Node):
    def __init__(self, lead, nodelist):
        self.lead = lead
        self.nodelist = nodelist

    def render(self, context):
        lead = self.lead.resolve(context)
        now = context.get("now")
        token = str(context.get("csrf_token") or "")
        if lead is None or now is None or not token or token == "NOTPROVIDED":
            return self.nodelist.render(context)
        found = context.render_context.get(self)
        if found is None:
            page = context.get("page")
            leads = list(page.object_list) if page is not None else [lead]
            found = context.render_context[self] = rows_cached(leads, now=now, context=context)
        keys, hits = found
        key = keys.get(lead.pk)
        if key is None:  # not one of the page's leads: render it as before
            return self.nodelist.render(context)
        html = hits.get(key)
        if html is not None:
            return mark_safe(row_cache_fill(html, token))
        html = self.nodelist.render(context)
        row_cache_set(key, html, token)
        return html


@register.tag("cached_pool_row")
def cached_pool_row(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% cached_pool_row lead %} takes the row's lead")
    nodelist = parser.parse(("end_cached_pool_row",))
    parser.delete_first_token()
    return CachedPoolRowNode(parser.compile_filter(bits[1]), nodelist)
