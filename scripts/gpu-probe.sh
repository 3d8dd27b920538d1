#!/bin/sh
# Runs the bundled GPU probe (node scripts/build-gpu-probe.mjs) on a GPU machine, from the
# repository's root: sh gpu-probe/run.sh. Prints what the machine offers Dawn first, so a run
# without an adapter says exactly what was missing.
here=$(dirname "$0")
echo "--- GPU and Vulkan on this machine"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
cache=$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null)
# Dawn reaches the GPU through the Vulkan loader; containers often lack it: the copy carried here.
if ! echo "$cache" | grep -q 'libvulkan.so.1'; then
  if [ -e "$here/lib/libvulkan.so.1" ]; then
    echo "no system Vulkan loader: using the carried libvulkan.so.1"
    export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  else
    echo "no Vulkan loader (libvulkan.so.1), none carried"
  fi
fi
# NVIDIA's Vulkan driver lives in its GLX library. A container given the driver without the
# graphics capability has the library but not the ICD file naming it: write one.
icds=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null)
echo "Vulkan ICD files: ${icds:-none}"
if [ -z "$icds" ]; then
  glx=$(echo "$cache" | awk '/libGLX_nvidia.so.0/ { print $NF; exit }')
  if [ -n "$glx" ]; then
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$glx" >"$here/nvidia_icd.json"
    export VK_DRIVER_FILES="$here/nvidia_icd.json" VK_ICD_FILENAMES="$here/nvidia_icd.json"
    echo "wrote an ICD file for $glx"
  else
    echo "no NVIDIA GLX library (libGLX_nvidia.so.0) either: the driver's Vulkan part is not here"
  fi
fi
echo "---"
exec node "$here/probe.mjs"
