// Pass 2: the `monitoring` block for one environment: Prometheus, Grafana, Loki and
// Alertmanager with its receivers (Telegram, Slack, e-mail, webhook) and their checks.

#include <algorithm>

#include <fmt/format.h>

#include "check/checker.hpp"

namespace stackc::check {

model::Monitoring Checker::monitoring(const Decl& d, const std::string& env) {
  MNode n = resolve(d, env);
  model::Monitoring mo;
  mo.present = true;
  mo.span = d.name_span;
  if (const MNode* p = n.child("prometheus")) {
    auto& x = mo.prometheus;
    x.present = true;
    x.span = p->stmt->span;
    if (auto* v = p->value("retention")) x.retention = q_or(to_seconds(*v), x.retention);
    if (auto* v = p->value("storage")) x.storage = q_or(to_bytes(*v), x.storage);
    if (auto* v = p->value("scrape_interval"))
      x.scrape_interval = q_or(to_seconds(*v), x.scrape_interval);
    x.cpu = resource(p->value("cpu"), true, x.cpu);
    x.memory = resource(p->value("memory"), false, x.memory);
  }
  if (const MNode* g = n.child("grafana")) {
    auto& x = mo.grafana;
    x.present = true;
    x.span = g->stmt->span;
    if (auto* v = g->value("admin_password"); v && v->kind == ValueKind::Call)
      x.admin_password = secret_ref(*v);
    if (auto* v = g->value("storage")) x.storage = q_or(to_bytes(*v), x.storage);
    x.cpu = resource(g->value("cpu"), true, x.cpu);
    x.memory = resource(g->value("memory"), false, x.memory);
  }
  if (const MNode* l = n.child("loki")) {
    auto& x = mo.loki;
    x.present = true;
    x.span = l->stmt->span;
    if (auto* v = l->value("retention")) x.retention = q_or(to_seconds(*v), x.retention);
    if (auto* v = l->value("storage")) x.storage = q_or(to_bytes(*v), x.storage);
    x.cpu = resource(l->value("cpu"), true, x.cpu);
    x.memory = resource(l->value("memory"), false, x.memory);
  }
  if (const MNode* a = n.child("alertmanager")) {
    auto& x = mo.alertmanager;
    x.present = true;
    x.span = a->stmt->span;
    if (auto* v = a->value("group_wait")) x.group_wait = q_or(to_seconds(*v), x.group_wait);
    if (auto* v = a->value("repeat_interval"))
      x.repeat_interval = q_or(to_seconds(*v), x.repeat_interval);
    for (const auto& kid : a->kids) {
      if (!kid.stmt || kid.stmt->key != "receiver" || kid.stmt->labels.size() != 1) continue;
      model::Receiver r;
      r.name = kid.stmt->labels[0].text;
      r.span = kid.stmt->labels[0].span;
      if (auto* v = kid.value("bot_token"); v && v->kind == ValueKind::Call)
        r.bot_token = secret_ref(*v);
      if (auto* v = kid.value("webhook"); v && v->kind == ValueKind::Call)
        r.webhook = secret_ref(*v);
      r.chat_id = str(kid.value("chat_id"));
      r.channel = str(kid.value("channel"));
      r.email = str(kid.value("email"));
      r.smarthost = str(kid.value("smarthost"));
      r.from = str(kid.value("from"));
      r.severities = strings(kid.value("severity"));
      r.type = kid.value("bot_token") || kid.value("chat_id") ? "telegram"
               : kid.value("channel")                         ? "slack"
               : kid.value("email")                           ? "email"
                                                              : "webhook";
      if (r.type == "telegram" && (!kid.value("bot_token") || !kid.value("chat_id")))
        report(Code::E2007, r.span,
               fmt::format("Telegram receiver `{}` needs both `bot_token` and `chat_id`", r.name),
               "add `bot_token = secret(\"NAME\", key = \"KEY\")` and `chat_id = \"...\"`");
      if (r.type == "telegram" && kid.value("chat_id")) {
        // Alertmanager takes the chat id as a number: `-1001234567890`, not `@channel`.
        const std::string& id = r.chat_id;
        bool number = !id.empty() && id.size() <= 16 &&
                      std::all_of(id.begin() + (id[0] == '-' ? 1 : 0), id.end(),
                                  [](char c) { return c >= '0' && c <= '9'; }) &&
                      id != "-";
        if (!number)
          report(Code::E2003, kid.value("chat_id")->span,
                 fmt::format("`{}` is not a Telegram chat id: Alertmanager needs the number", id),
                 "write the numeric id, e.g. `chat_id = \"-1001234567890\"` (a bot sees it "
                 "in the updates of the chat)");
      }
      if (auto* v = kid.value("smarthost")) {
        auto colon = r.smarthost.rfind(':');
        std::string port = colon == std::string::npos ? "" : r.smarthost.substr(colon + 1);
        bool ok =
            colon != std::string::npos && colon > 0 && !port.empty() && port.size() <= 5 &&
            std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
            std::stoi(port) >= 1 && std::stoi(port) <= 65535;
        if (!ok)
          report(Code::E2003, v->span,
                 fmt::format("`{}` is not an SMTP relay: write `HOST:PORT`", r.smarthost),
                 "for example `smarthost = \"smtp.example.com:587\"`");
      }
      if (r.type == "email" && (r.smarthost.empty() || r.from.empty()))
        report(Code::E2007, r.span,
               fmt::format("e-mail receiver `{}` needs `smarthost` and `from`", r.name),
               "add `smarthost = \"smtp.example.com:587\"  from = \"alerts@example.com\"`");
      if ((r.type == "slack" || r.type == "webhook") && !kid.value("webhook"))
        report(Code::E2007, r.span, fmt::format("receiver `{}` needs a `webhook`", r.name),
               "add `webhook = secret(\"NAME\", key = \"KEY\")`");
      x.receivers.push_back(std::move(r));
    }
  }
  return mo;
}

}  // namespace stackc::check
