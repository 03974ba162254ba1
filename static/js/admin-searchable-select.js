/* A long select of the admin (an announcement's recipients) as a searchable, grouped picker:
   select2 as vendored by Django's admin, searching the options already on the page; its
   language comes from the select's data-language (core.admin.SearchableSelect). */
(function () {
  "use strict";
  var $ = window.django && window.django.jQuery;
  if (!$ || !$.fn.select2) return;
  $(function () {
    $("select.searchable-select").each(function () {
      $(this).select2({ width: "40em" });
    });
  });
})();
