#!/usr/bin/env node
// Checks Kubernetes manifests against the published CRD schemas, offline.
//
// Usage: node validate.mjs FILE...   (or YAML/JSON documents on stdin when no FILE is given)
// Prints one line per problem, "FILE[#doc]: /json/path message", and exits 1 when there is any;
// exits 0 silently when every document is valid. The validators are the ones the
// @kubernetes-models packages generate from the Gateway API types, Istio's CRDs and Envoy
// Gateway's CRDs.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import { VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import { AuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";
import { SecurityPolicy } from "@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/SecurityPolicy";

const MODELS = new Map([
  ["gateway.networking.k8s.io/v1 HTTPRoute", HTTPRoute],
  ["networking.istio.io/v1 VirtualService", VirtualService],
  ["security.istio.io/v1 AuthorizationPolicy", AuthorizationPolicy],
  ["gateway.envoyproxy.io/v1alpha1 SecurityPolicy", SecurityPolicy],
]);

function problems(source, text) {
  const found = [];
  const docs = parseAllDocuments(text, { prettyErrors: false });
  docs.forEach((doc, index) => {
    const where = docs.length > 1 ? `${source}#${index + 1}` : source;
    if (doc.errors.length) {
      doc.errors.forEach((e) => found.push(`${where}: YAML: ${e.message}`));
      return;
    }
    const data = doc.toJS();
    if (data === null || typeof data !== "object") {
      found.push(`${where}: not a Kubernetes object`);
      return;
    }
    const Model = MODELS.get(`${data.apiVersion} ${data.kind}`);
    if (Model === undefined) {
      found.push(`${where}: no schema here for ${data.apiVersion} ${data.kind}`);
      return;
    }
    validateModel(Model, data).forEach((e) => found.push(`${where}: ${e}`));
  });
  return found;
}

function validateModel(Model, data) {
  try {
    new Model(data).validate();
    return [];
  } catch (error) {
    if (!Array.isArray(error.errors)) throw error;
    return error.errors.map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`);
  }
}

const files = process.argv.slice(2);
const inputs = files.length
  ? files.map((file) => [file, readFileSync(file, "utf8")])
  : [["<stdin>", readFileSync(0, "utf8")]];
const found = inputs.flatMap(([source, text]) => problems(source, text));
found.forEach((line) => console.log(line));
process.exit(found.length ? 1 : 0);
