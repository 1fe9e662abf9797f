"""One date format per locale, used on pages, charts and banners alike (FORMAT_MODULE_PATH).

en-GB reads dd/mm/yyyy; plain "en", the fallback when the browser asks for no language
Strides has, reads yyyy-mm-dd (ISO 8601), which no reader mistakes for another order.
Other languages keep Django's format for their locale.
"""
