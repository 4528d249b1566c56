import { GENERATED_HEADER, type GeneratedFile } from '../generated-file.js';

/**
 * Notification templates (Go text/template; email HTML is auto-escaped by Alertmanager). Every message shows
 * per alert: name, severity, summary, description, runbook and Prometheus links.
 */
const TEMPLATES = `{{/* ${GENERATED_HEADER} */}}

{{/* "[FIRING:2] HighErrorRate critical media-server" — subject and title of every channel. */}}
{{ define "flux.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.alertname }}{{ if .CommonLabels.severity }} {{ .CommonLabels.severity }}{{ end }}{{ if .CommonLabels.job }} {{ .CommonLabels.job }}{{ end }}
{{- end }}

{{ define "flux.time" }}{{ .Format "2006-01-02 15:04:05 MST" }}{{ end }}

{{ define "flux.email.text" -}}
{{ range .Alerts -}}
{{ .Labels.alertname }} [{{ .Labels.severity }}] {{ .Status | toUpper }}
Summary: {{ .Annotations.summary }}
Description: {{ .Annotations.description }}
{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}
{{ end }}Prometheus: {{ .GeneratorURL }}
Labels:{{ range .Labels.SortedPairs }} {{ .Name }}={{ .Value }}{{ end }}
Started: {{ template "flux.time" .StartsAt }}{{ if eq .Status "resolved" }}; resolved: {{ template "flux.time" .EndsAt }}{{ end }}

{{ end -}}
Alertmanager: {{ .ExternalURL }}
{{- end }}

{{ define "flux.email.html" -}}
<!DOCTYPE html>
<html><body style="font-family: sans-serif">
<h2>{{ template "flux.title" . }}</h2>
{{ range .Alerts -}}
<div style="border-left: 4px solid {{ if eq .Status "resolved" }}#2eb886{{ else if eq .Labels.severity "critical" }}#d00000{{ else }}#daa038{{ end }}; padding: 4px 12px; margin: 12px 0">
<h3 style="margin: 0">{{ .Labels.alertname }} <small>[{{ .Labels.severity }}] {{ .Status | toUpper }}</small></h3>
<p><b>{{ .Annotations.summary }}</b></p>
<p>{{ .Annotations.description }}</p>
<p>{{ if .Annotations.runbook_url }}<a href="{{ .Annotations.runbook_url }}">Runbook</a> · {{ end }}<a href="{{ .GeneratorURL }}">Prometheus</a></p>
<p style="color: #666; font-size: small">{{ range .Labels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}<br>
Started {{ template "flux.time" .StartsAt }}{{ if eq .Status "resolved" }}, resolved {{ template "flux.time" .EndsAt }}{{ end }}</p>
</div>
{{ end -}}
<p><a href="{{ .ExternalURL }}">Alertmanager</a></p>
</body></html>
{{- end }}

{{/* Slack: at most 10 alerts per message, so a large group stays readable; the rest are counted. */}}
{{ define "flux.slack.text" -}}
{{ range $i, $a := .Alerts }}{{ if lt $i 10 -}}
*{{ $a.Labels.alertname }}* [{{ $a.Labels.severity }}]{{ if eq $a.Status "resolved" }} RESOLVED{{ end }}: {{ $a.Annotations.summary }}
{{ $a.Annotations.description }}
{{ if $a.Annotations.runbook_url }}<{{ $a.Annotations.runbook_url }}|Runbook> | {{ end }}<{{ $a.GeneratorURL }}|Prometheus>
{{ end }}{{ end -}}
{{ if gt (len .Alerts) 10 }}_Showing 10 of {{ len .Alerts }} alerts: <{{ .ExternalURL }}|Alertmanager>_{{ end }}
{{- end }}

{{ define "flux.slack.color" -}}
{{ if eq .Status "resolved" }}good{{ else if eq .CommonLabels.severity "critical" }}danger{{ else }}warning{{ end }}
{{- end }}
`;

export function templateFile(path: string): GeneratedFile {
  return { path, content: TEMPLATES };
}
