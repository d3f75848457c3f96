-- Argo CD health check for kubetracker.dev/Tracker (embedded in argocd-cm.yaml; keep the two equal).
-- Degraded wins over Ready: a Degraded Tracker may still serve (e.g. an access list the operator can
-- no longer read keeps the workers on their last list), and that must not show as Healthy.
local function condition(conditions, type)
  for _, c in ipairs(conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local hs = { status = "Progressing", message = "Waiting for the operator to report the Tracker's status" }
local status = obj.status
if status == nil or status.conditions == nil then
  return hs
end

local degraded = condition(status.conditions, "Degraded")
if degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"
  hs.message = (degraded.reason or "Degraded") .. ": " .. (degraded.message or "")
  return hs
end

if status.observedGeneration == nil or status.observedGeneration ~= obj.metadata.generation then
  hs.message = "Waiting for the operator to observe generation " .. tostring(obj.metadata.generation)
  return hs
end

local ready = condition(status.conditions, "Ready")
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "Every worker is ready"
  return hs
end

local progressing = condition(status.conditions, "Progressing")
local why = progressing
if why == nil or why.status ~= "True" then
  why = ready
end
if why ~= nil then
  hs.message = (why.reason or why.type) .. ": " .. (why.message or "")
end
return hs
