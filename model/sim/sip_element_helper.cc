#include "sip_element_helper.h"

#include "ns3/abort.h"
#include "ns3/names.h"
#include "ns3/pointer.h"

namespace sipsim
{

namespace
{

/// A fresh object of the same type and attributes, except the stream, which is left to
/// automatic assignment (or AssignStreams) so copies draw independently.
ns3::Ptr<ns3::RandomVariableStream>
CloneRandomVariable(ns3::Ptr<ns3::RandomVariableStream> source)
{
    ns3::ObjectFactory factory;
    factory.SetTypeId(source->GetInstanceTypeId());
    for (ns3::TypeId tid = source->GetInstanceTypeId();; tid = tid.GetParent())
    {
        for (std::size_t i = 0; i < tid.GetAttributeN(); ++i)
        {
            const ns3::TypeId::AttributeInformation info = tid.GetAttribute(i);
            const bool copyable =
                (info.flags & ns3::TypeId::ATTR_GET) && (info.flags & ns3::TypeId::ATTR_CONSTRUCT);
            if (!copyable || info.name == "Stream")
            {
                continue;
            }
            ns3::Ptr<ns3::AttributeValue> value = info.checker->Create();
            source->GetAttribute(info.name, *value);
            factory.Set(info.name, *value);
        }
        if (tid == tid.GetParent())
        {
            break;
        }
    }
    return factory.Create<ns3::RandomVariableStream>();
}

} // namespace

SipElementHelper::SipElementHelper(EndpointFactory factory) : m_factory(std::move(factory))
{
    m_appFactory.SetTypeId(SipElementApplication::GetTypeId());
}

void
SipElementHelper::SetAttribute(const std::string& name, const ns3::AttributeValue& value)
{
    m_appFactory.Set(name, value);
}

ns3::ApplicationContainer
SipElementHelper::Install(ns3::Ptr<ns3::Node> node) const
{
    return ns3::ApplicationContainer(InstallPriv(node));
}

ns3::ApplicationContainer
SipElementHelper::Install(const ns3::NodeContainer& nodes) const
{
    ns3::ApplicationContainer apps;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        apps.Add(InstallPriv(*it));
    }
    return apps;
}

ns3::ApplicationContainer
SipElementHelper::Install(const std::string& nodeName) const
{
    ns3::Ptr<ns3::Node> node = ns3::Names::Find<ns3::Node>(nodeName);
    NS_ABORT_MSG_IF(!node, "SipElementHelper: no node named " << nodeName);
    return Install(node);
}

ns3::Ptr<SipElementApplication>
SipElementHelper::InstallPriv(ns3::Ptr<ns3::Node> node) const
{
    auto app = m_appFactory.Create<SipElementApplication>();
    // The factory hands every app the same ServiceTime object; each CPU needs its own.
    ns3::PointerValue service;
    app->GetAttribute("ServiceTime", service);
    if (auto shared = service.Get<ns3::RandomVariableStream>())
    {
        app->SetAttribute("ServiceTime", ns3::PointerValue(CloneRandomVariable(shared)));
    }
    if (m_factory)
    {
        app->SetEndpoint(m_factory(node));
    }
    node->AddApplication(app);
    return app;
}

} // namespace sipsim
