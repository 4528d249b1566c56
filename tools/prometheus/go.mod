module local/flux-metrics-prometheus-tools

go 1.26

require github.com/prometheus/prometheus v0.307.3
